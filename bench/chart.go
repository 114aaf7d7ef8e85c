package bench

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Chart colours: reach in blue, the baseline in orange; darker for higher percentiles.
var (
	reachShades    = []color.RGBA{{158, 202, 225, 255}, {66, 146, 198, 255}, {8, 69, 148, 255}}
	baselineShades = []color.RGBA{{253, 208, 162, 255}, {253, 141, 60, 255}, {166, 54, 3, 255}}
	ink            = color.RGBA{40, 40, 40, 255}
	grid           = color.RGBA{225, 225, 225, 255}
)

// WriteChart draws the p50, p95 and p99 latency of every op as grouped bars, reach beside the
// baseline, on a logarithmic millisecond scale, and writes it to path as a PNG.
func (r *Report) WriteChart(path string) error {
	const (
		width, height = 1000, 520
		left, right   = 70, 20
		top, bottom   = 50, 90
		barWidth      = 22
	)
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)

	var ops []string
	seen := map[string]bool{}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, m := range r.Results {
		if !seen[m.Op] {
			seen[m.Op] = true
			ops = append(ops, m.Op)
		}
		for _, v := range []Millis{m.P50, m.P95, m.P99} {
			if v > 0 {
				lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
			}
		}
	}
	if len(ops) == 0 {
		return fmt.Errorf("chart: nothing measured")
	}
	minExp, maxExp := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if maxExp == minExp {
		maxExp++
	}
	plotH := float64(height - top - bottom)
	y := func(v float64) int {
		return height - bottom - int(plotH*(math.Log10(v)-minExp)/(maxExp-minExp))
	}
	for e := minExp; e <= maxExp; e++ {
		yy := y(math.Pow(10, e))
		fill(img, image.Rect(left, yy, width-right, yy+1), grid)
		label(img, 8, yy+4, fmt.Sprintf("%g ms", math.Pow(10, e)))
	}
	fill(img, image.Rect(left, top, left+1, height-bottom), ink)
	fill(img, image.Rect(left, height-bottom, width-right, height-bottom+1), ink)

	group := (width - left - right) / len(ops)
	for i, op := range ops {
		x := left + i*group + (group-7*barWidth)/2
		for _, m := range r.Results {
			if m.Op != op {
				continue
			}
			shades, offset := reachShades, 0
			if m.System == "baseline" {
				shades, offset = baselineShades, 4*barWidth
			}
			for j, v := range []Millis{m.P50, m.P95, m.P99} {
				if v <= 0 {
					continue
				}
				bx := x + offset + j*barWidth
				fill(img, image.Rect(bx, y(float64(v)), bx+barWidth-3, height-bottom), shades[j])
			}
		}
		label(img, left+i*group+group/2-len(op)*7/2, height-bottom+20, op)
	}
	label(img, left, 24, fmt.Sprintf("Latency by operation at %.0f requests/s (log scale): bars are p50, p95, p99", r.Rate))
	legend := []struct {
		c    color.RGBA
		text string
	}{{reachShades[1], "reach"}, {baselineShades[1], "baseline (shortestPath + separate queries)"}}
	for i, l := range legend {
		lx := left + i*220
		fill(img, image.Rect(lx, height-40, lx+14, height-26), l.c)
		label(img, lx+20, height-28, l.text)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func fill(img *image.RGBA, r image.Rectangle, c color.Color) {
	draw.Draw(img, r, &image.Uniform{C: c}, image.Point{}, draw.Src)
}

func label(img *image.RGBA, x, y int, text string) {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(ink), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(text)
}
