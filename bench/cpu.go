package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// On a shared machine latency depends on what else runs; the processor time each answer took
// does much less. Processes names the processes behind each system, so that a run can say how
// much processor time its answers cost, the load generator's own included.

// Processes are the server processes of a run by role ("reach", "neo4j", "postgres", "peer"),
// each a process id; a process's children count with it (PostgreSQL's backends with its
// postmaster).
type Processes map[string]int

// ParseProcesses reads role=pid pairs separated by commas, as --processes takes them.
func ParseProcesses(list string) (Processes, error) {
	p := Processes{}
	for _, f := range strings.Split(list, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		role, pid, ok := strings.Cut(f, "=")
		n, err := strconv.Atoi(strings.TrimSpace(pid))
		if !ok || err != nil || n <= 0 || strings.TrimSpace(role) == "" {
			return nil, fmt.Errorf("%q is not role=pid", f)
		}
		p[strings.TrimSpace(role)] = n
	}
	return p, nil
}

// clockTick is the unit of /proc's processor times (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// CPU returns the processor time (user and system) each role's process and its children have
// used so far. A process that cannot be read counts as none.
func (p Processes) CPU() map[string]time.Duration {
	out := make(map[string]time.Duration, len(p))
	children := childrenByParent()
	for role, pid := range p {
		used, reaped := procCPU(pid)
		for _, child := range children[pid] {
			c, _ := procCPU(child)
			used += c
		}
		out[role] = used + reaped
	}
	return out
}

// Compilers is a reading of the JIT compilers' threads of each role's JVM (HotSpot's "C1
// CompilerThread" and "C2 CompilerThread"): each thread's processor time so far, by role and
// thread id. In the minutes after a JVM starts, and on a small machine, they can take a large
// part of its time (docs/performance.md).
type Compilers map[string]map[string]time.Duration

// Compilers reads the compilers' threads of every role's process; a role whose process has none
// (not a JVM) is absent.
func (p Processes) Compilers() Compilers {
	out := Compilers{}
	for role, pid := range p {
		tasks, err := os.ReadDir(filepath.Join("/proc", strconv.Itoa(pid), "task"))
		if err != nil {
			continue
		}
		for _, t := range tasks {
			if d, ok := compilerCPU(pid, t.Name()); ok {
				if out[role] == nil {
					out[role] = map[string]time.Duration{}
				}
				out[role][t.Name()] = d
			}
		}
	}
	return out
}

// Since is the processor time each role's compilers used between earlier and c: each thread's
// growth, and the whole time of a thread that started since. A thread that ended in between
// (HotSpot stops compiler threads it no longer needs) counts for nothing: its last part is
// lost, never taken away from the others'.
func (c Compilers) Since(earlier Compilers) map[string]time.Duration {
	out := make(map[string]time.Duration, len(c))
	for role, threads := range c {
		for tid, d := range threads {
			out[role] += max(d-earlier[role][tid], 0)
		}
	}
	return out
}

// compilerCPU reads one thread's processor time, if it is a JIT compiler's.
func compilerCPU(pid int, tid string) (time.Duration, bool) {
	dir := filepath.Join("/proc", strconv.Itoa(pid), "task", tid)
	name, err := os.ReadFile(filepath.Join(dir, "comm"))
	if err != nil || !isCompilerThread(string(name)) {
		return 0, false
	}
	b, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return 0, false
	}
	own, _ := statCPU(string(b))
	return own, true
}

// isCompilerThread tells a HotSpot JIT compiler's thread by its name (as /proc shows it, cut to
// 15 bytes).
func isCompilerThread(name string) bool {
	return strings.HasPrefix(name, "C1 CompilerThre") || strings.HasPrefix(name, "C2 CompilerThre")
}

// SelfCPU is the processor time this process has used so far: the load generator's own cost.
func SelfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU reads a process's own processor time, and that of its children it has waited for.
func procCPU(pid int) (own, reaped time.Duration) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, 0
	}
	return statCPU(string(b))
}

// statCPU reads the processor times of a process's or a thread's stat line.
func statCPU(line string) (own, reaped time.Duration) {
	f, ok := statFields(line)
	if !ok || len(f) < 15 {
		return 0, 0
	}
	tick := func(i int) time.Duration {
		n, _ := strconv.ParseInt(f[i], 10, 64)
		return time.Duration(n) * clockTick
	}
	// Fields after the command: state is 0, utime 11, stime 12, cutime 13, cstime 14.
	return tick(11) + tick(12), tick(13) + tick(14)
}

// procStat returns the fields of /proc/pid/stat that follow the command name.
func procStat(pid int) ([]string, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return nil, false
	}
	return statFields(string(b))
}

// statFields returns the fields of a stat line that follow the command name, which may hold
// spaces and parentheses.
func statFields(s string) ([]string, bool) {
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return nil, false
	}
	return strings.Fields(s[end+1:]), true
}

// childrenByParent maps each process id to its children's, from /proc.
func childrenByParent() map[int][]int {
	out := map[int][]int{}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return out
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		f, ok := procStat(pid)
		if !ok || len(f) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(f[1]); err == nil {
			out[ppid] = append(out[ppid], pid)
		}
	}
	return out
}

// CPUCost is the processor time a system's answers took during its measured time, per answer:
// each of its server processes', and the load generator's.
type CPUCost struct {
	System   string             `json:"system"`
	Requests int                `json:"requests"`
	Servers  map[string]float64 `json:"servers"` // ms per answer, by role
	// Compilers is the part of Servers its JVMs' JIT compilers took (ms per answer, by role):
	// large while a JVM is new, near none once its code is compiled.
	Compilers map[string]float64 `json:"compilers,omitempty"`
	Client    float64            `json:"client"` // ms per answer, the load generator's
}

// Total is the processor time per answer, servers and load generator together.
func (c CPUCost) Total() float64 {
	t := c.Client
	for _, v := range c.Servers {
		t += v
	}
	return t
}
