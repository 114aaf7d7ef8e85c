package bench

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
)

// WriteChart draws, for one workload, each system's p99 against the offered rate, both on
// logarithmic scales, with the limit a step must stay within as a red line, and writes it to
// path as a PNG. A hollow marker is a step that did not hold.
func (r *SweepReport) WriteChart(path, workload string) error {
	const (
		width, height = 1000, 560
		left, right   = 70, 30
		top, bottom   = 50, 110
	)
	var series []Series
	rlo, rhi, plo, phi := math.Inf(1), math.Inf(-1), float64(r.Limit), float64(r.Limit)
	for _, s := range r.Series {
		if s.Workload != workload || systemIndex(s.System) < 0 || len(s.Steps) == 0 {
			continue
		}
		series = append(series, s)
		for _, st := range s.Steps {
			rlo, rhi = math.Min(rlo, st.Rate), math.Max(rhi, st.Rate)
			if st.P99 > 0 {
				plo, phi = math.Min(plo, float64(st.P99)), math.Max(phi, float64(st.P99))
			}
		}
	}
	if len(series) == 0 {
		return fmt.Errorf("chart: no series for %s", workload)
	}
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	xlo, xhi := math.Log10(rlo)-0.05, math.Log10(rhi)+0.05
	ylo, yhi := math.Floor(math.Log10(plo)), math.Ceil(math.Log10(phi))
	x := func(rate float64) int {
		return left + int(float64(width-left-right)*(math.Log10(rate)-xlo)/(xhi-xlo))
	}
	y := func(ms float64) int {
		return height - bottom - int(float64(height-top-bottom)*(math.Log10(ms)-ylo)/(yhi-ylo))
	}
	for e := ylo; e <= yhi; e++ {
		yy := y(math.Pow(10, e))
		fill(img, image.Rect(left, yy, width-right, yy+1), grid)
		label(img, 8, yy+4, fmt.Sprintf("%g ms", math.Pow(10, e)))
	}
	for e := math.Floor(xlo); e <= xhi; e++ {
		for _, m := range []float64{1, 2, 5} {
			rate := m * math.Pow(10, e)
			if math.Log10(rate) < xlo || math.Log10(rate) > xhi {
				continue
			}
			xx := x(rate)
			fill(img, image.Rect(xx, top, xx+1, height-bottom), grid)
			label(img, xx-3*len(fmt.Sprint(rate)), height-bottom+18, fmt.Sprint(rate))
		}
	}
	limitY := y(float64(r.Limit))
	fill(img, image.Rect(left, limitY-1, width-right, limitY+1), color.RGBA{215, 48, 39, 255})
	label(img, width-right-160, limitY-6, fmt.Sprintf("p99 limit %.0f ms", r.Limit))
	fill(img, image.Rect(left, top, left+1, height-bottom), ink)
	fill(img, image.Rect(left, height-bottom, width-right, height-bottom+1), ink)

	for _, s := range series {
		c := Systems[systemIndex(s.System)].Shades[2]
		for i, st := range s.Steps {
			px, py := x(st.Rate), y(math.Max(float64(st.P99), math.Pow(10, ylo)))
			if i > 0 {
				prev := s.Steps[i-1]
				line(img, x(prev.Rate), y(math.Max(float64(prev.P99), math.Pow(10, ylo))), px, py, c)
			}
			fill(img, image.Rect(px-4, py-4, px+5, py+5), c)
			if !st.Held {
				fill(img, image.Rect(px-2, py-2, px+3, py+3), color.White)
			}
		}
	}
	label(img, left, 24, fmt.Sprintf("p99 against offered rate, %s (log scales); the ceiling is the last rate held", workload))
	label(img, left+(width-left-right)/2-60, height-bottom+38, "offered requests/s")
	lx, ly := left, height-48
	for _, s := range series {
		sys := Systems[systemIndex(s.System)]
		text := fmt.Sprintf("%s: %.0f/s", sys.Legend, s.Ceiling)
		if lx+40+7*len(text) > width-right {
			lx, ly = left, ly+20
		}
		fill(img, image.Rect(lx, ly-11, lx+14, ly+3), sys.Shades[2])
		label(img, lx+20, ly, text)
		lx += 40 + 7*len(text)
	}
	return writePNG(path, img)
}

// line draws a line two pixels wide from (x0, y0) to (x1, y1).
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.Color) {
	n := max(abs(x1-x0), abs(y1-y0), 1)
	for i := 0; i <= n; i++ {
		px := x0 + (x1-x0)*i/n
		py := y0 + (y1-y0)*i/n
		fill(img, image.Rect(px-1, py-1, px+1, py+1), c)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
