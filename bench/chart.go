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

// The systems the benchmark measures, in the order they are charted.
const (
	SystemReach = "reach" // reach over HTTP, default consistency: reachability from memory
	// SystemReachBefore is another build of reach, such as an older revision's, sent the same mix
	// as reach in the same rounds: what a change did to reach's figures, within one run's spread.
	SystemReachBefore = "reach-before"
	// SystemReachAlone is reach's reachability alone, without the rest of the mix: what the
	// peers, which answer only reachability, are offered, so like is compared with like.
	SystemReachAlone = "reach-reachability-alone"
	// SystemReachNeo4j is reach over HTTP asking consistency=fully_consistent: every answer
	// from Neo4j, as reach answered before its projection.
	SystemReachNeo4j = "reach-fully-consistent"
	// SystemReachFresh is reach over HTTP asking consistency=at_least_as_fresh with the token of
	// the latest message the benchmark sent through it: read-your-writes under a stream of writes.
	SystemReachFresh = "reach-at-least-as-fresh"
	// SystemFloor is GET /healthz on reach, sent as reachability is: what the load generator,
	// loopback HTTP and waking an idle server cost any system here, before any answer is worked out.
	SystemFloor        = "http-floor"
	SystemBaseline     = "baseline"      // the Cypher a team would write without reach, through the Neo4j driver
	SystemPostgres     = "postgres"      // the PostgreSQL peer, one SQL statement through pgx
	SystemPostgresHTTP = "postgres-http" // the same peer behind reach's HTTP stack
)

// Systems lists the systems in chart order, each with its legend and its colours: a light, a
// middle and a dark shade for p50, p95 and p99, the middle one for lines.
var Systems = []struct {
	Name, Legend string
	Shades       [3]color.RGBA
}{
	{SystemReach, "reach (HTTP)", [3]color.RGBA{{158, 202, 225, 255}, {66, 146, 198, 255}, {8, 69, 148, 255}}},
	{SystemReachBefore, "reach before (HTTP)", [3]color.RGBA{{199, 234, 229, 255}, {90, 180, 172, 255}, {1, 102, 94, 255}}},
	{SystemReachAlone, "reach, reachability alone (HTTP)", [3]color.RGBA{{198, 219, 239, 255}, {107, 174, 214, 255}, {33, 113, 181, 255}}},
	{SystemReachNeo4j, "reach fully_consistent (HTTP)", [3]color.RGBA{{199, 233, 192, 255}, {116, 196, 118, 255}, {35, 139, 69, 255}}},
	{SystemReachFresh, "reach at_least_as_fresh (HTTP)", [3]color.RGBA{{254, 224, 210, 255}, {252, 146, 114, 255}, {203, 24, 29, 255}}},
	{SystemFloor, "HTTP floor: GET /healthz", [3]color.RGBA{{217, 217, 217, 255}, {150, 150, 150, 255}, {82, 82, 82, 255}}},
	{SystemBaseline, "Cypher baseline (driver)", [3]color.RGBA{{253, 208, 162, 255}, {253, 141, 60, 255}, {166, 54, 3, 255}}},
	{SystemPostgres, "PostgreSQL (pgx)", [3]color.RGBA{{161, 217, 155, 255}, {65, 171, 93, 255}, {0, 90, 50, 255}}},
	{SystemPostgresHTTP, "PostgreSQL (HTTP)", [3]color.RGBA{{218, 218, 235, 255}, {128, 125, 186, 255}, {74, 20, 134, 255}}},
}

// systemIndex is a system's place in Systems, or -1.
func systemIndex(name string) int {
	for i, s := range Systems {
		if s.Name == name {
			return i
		}
	}
	return -1
}

var (
	ink  = color.RGBA{40, 40, 40, 255}
	grid = color.RGBA{225, 225, 225, 255}
)

// WriteChart draws the p50, p95 and p99 latency of every op as grouped bars, one group of three
// per system that measured the op, on a logarithmic millisecond scale, and writes it to path as
// a PNG.
func (r *Report) WriteChart(path string) error {
	const (
		width, height = 1100, 540
		left, right   = 70, 20
		top, bottom   = 50, 100
	)
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)

	var ops []string
	seen := map[string]bool{}
	present := make([]bool, len(Systems))
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, m := range r.Results {
		if !seen[m.Op] {
			seen[m.Op] = true
			ops = append(ops, m.Op)
		}
		if i := systemIndex(m.System); i >= 0 {
			present[i] = true
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

	// Every op's group has room for every system present, three bars each and a gap between.
	systems := 0
	slot := make([]int, len(Systems))
	for i, ok := range present {
		if ok {
			slot[i] = systems
			systems++
		}
	}
	group := (width - left - right) / len(ops)
	barWidth := max(4, group/(4*systems+1))
	for i, op := range ops {
		x := left + i*group + (group-(4*systems-1)*barWidth)/2
		for _, m := range r.Results {
			s := systemIndex(m.System)
			if m.Op != op || s < 0 {
				continue
			}
			for j, v := range []Millis{m.P50, m.P95, m.P99} {
				if v <= 0 {
					continue
				}
				bx := x + slot[s]*4*barWidth + j*barWidth
				fill(img, image.Rect(bx, y(float64(v)), bx+barWidth-2, height-bottom), Systems[s].Shades[j])
			}
		}
		label(img, left+i*group+group/2-len(op)*7/2, height-bottom+20, op)
	}
	label(img, left, 24, fmt.Sprintf("Latency by operation at %.0f requests/s (log scale): bars are p50, p95, p99", r.Rate))
	// The legend wraps onto a second line when the systems do not fit on one.
	lx, ly := left, height-50
	for i, s := range Systems {
		if !present[i] {
			continue
		}
		if lx+20+7*len(s.Legend) > width-right {
			lx, ly = left, ly+22
		}
		fill(img, image.Rect(lx, ly-12, lx+14, ly+2), s.Shades[1])
		label(img, lx+20, ly, s.Legend)
		lx += 40 + 7*len(s.Legend)
	}
	return writePNG(path, img)
}

// writePNG writes img to path.
func writePNG(path string, img image.Image) error {
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
