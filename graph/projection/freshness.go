package projection

// OrDefaults fills the zero fields of f from DefaultFreshness.
func (f Freshness) OrDefaults() Freshness {
	if f.Interval <= 0 {
		f.Interval = DefaultFreshness.Interval
	}
	if f.Bound <= 0 {
		f.Bound = DefaultFreshness.Bound
	}
	if f.Wait <= 0 {
		f.Wait = DefaultFreshness.Wait
	}
	return f
}
