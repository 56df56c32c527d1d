// extract_layout reads the Go runtime's struct layouts from a Go binary's DWARF and prints the
// JSON the godbg runtime_layout_table unit test and generator use. Build any program with the
// toolchain under study (CGO_ENABLED=0 go build), then:
//
//	go run extract_layout.go BINARY GOVERSION > GOVERSION.json
//
// Offsets are by DWARF field name, so nothing here is worked out by hand.
package main

import (
	"debug/dwarf"
	"debug/elf"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// The fields godbg uses: "struct.field[.subfield]"; "sizeof struct" for a size.
var fields = []string{
	"runtime.g.stack.lo", "runtime.g.stack.hi", "runtime.g.stackguard0", "runtime.g._panic",
	"runtime.g._defer", "runtime.g.m", "runtime.g.sched", "runtime.g.syscallsp",
	"runtime.g.syscallpc", "runtime.g.syscallbp", "runtime.g.atomicstatus", "runtime.g.goid",
	"runtime.g.schedlink", "runtime.g.waitsince", "runtime.g.waitreason", "runtime.g.lockedm",
	"runtime.g.parentGoid", "runtime.g.gopc", "runtime.g.ancestors", "runtime.g.startpc",
	"runtime.g.waiting", "runtime.g.labels", "sizeof runtime.g",
	"runtime.gobuf.sp", "runtime.gobuf.pc", "runtime.gobuf.g", "runtime.gobuf.ctxt",
	"runtime.gobuf.ret", "runtime.gobuf.lr", "runtime.gobuf.bp", "sizeof runtime.gobuf",
	"runtime.m.g0", "runtime.m.procid", "runtime.m.gsignal", "runtime.m.tls", "runtime.m.curg",
	"runtime.m.p", "runtime.m.nextp", "runtime.m.oldp", "runtime.m.id", "runtime.m.spinning",
	"runtime.m.blocked", "runtime.m.alllink", "runtime.m.schedlink", "runtime.m.lockedg",
	"runtime.m.vdsoSP", "runtime.m.vdsoPC", "sizeof runtime.m",
	"runtime.p.id", "runtime.p.status", "runtime.p.link", "runtime.p.m", "runtime.p.runqhead",
	"runtime.p.runqtail", "runtime.p.runq", "runtime.p.runnext", "sizeof runtime.p",
	"runtime.schedt.goidgen", "runtime.schedt.nmidle", "runtime.schedt.mnext",
	"runtime.schedt.maxmcount", "runtime.schedt.nmsys", "runtime.schedt.pidle",
	"runtime.schedt.npidle", "runtime.schedt.nmspinning", "sizeof runtime.schedt",
}

var vars = []string{"runtime.ncpu", "runtime.numCPUStartup", "runtime.gomaxprocs",
	"runtime.allgs", "runtime.allglen", "runtime.allm", "runtime.allp", "runtime.sched",
	"runtime.m0", "runtime.g0", "runtime.newprocs"}

type output struct {
	GoVersion   string            `json:"go_version"`
	Offsets     map[string]int64  `json:"offsets"`
	NcpuVar     string            `json:"ncpu_var"`
	Vars        map[string]string `json:"vars"` // name -> Go type
	WaitReasons []string          `json:"wait_reasons"`
}

func main() {
	if len(os.Args) != 3 {
		fail("usage: extract_layout BINARY GOVERSION")
	}
	f, err := elf.Open(os.Args[1])
	check(err)
	d, err := f.DWARF()
	check(err)
	structs := map[string]*dwarf.StructType{}
	varTypes := map[string]dwarf.Type{}
	var waitReasonsAddr uint64
	var waitReasonsType *dwarf.ArrayType
	r := d.Reader()
	for {
		e, err := r.Next()
		check(err)
		if e == nil {
			break
		}
		name, _ := e.Val(dwarf.AttrName).(string)
		switch {
		case e.Tag == dwarf.TagStructType && strings.HasPrefix(name, "runtime.") && structs[name] == nil:
			t, err := d.Type(e.Offset)
			check(err)
			if st, ok := t.(*dwarf.StructType); ok {
				structs[name] = st
			}
		case e.Tag == dwarf.TagVariable && strings.HasPrefix(name, "runtime."):
			off, ok := e.Val(dwarf.AttrType).(dwarf.Offset)
			if !ok {
				continue
			}
			t, err := d.Type(off)
			check(err)
			varTypes[name] = t
			if loc, ok := e.Val(dwarf.AttrLocation).([]byte); ok && name == "runtime.waitReasonStrings" &&
				len(loc) == 9 && loc[0] == 0x03 { // DW_OP_addr
				waitReasonsAddr = binary.LittleEndian.Uint64(loc[1:])
				waitReasonsType, _ = t.(*dwarf.ArrayType)
			}
		}
	}

	out := output{GoVersion: os.Args[2], Offsets: map[string]int64{}, Vars: map[string]string{}}
	for _, f := range fields {
		if s, ok := strings.CutPrefix(f, "sizeof "); ok {
			out.Offsets[f] = structs[s].Size()
			continue
		}
		if off, ok := offsetOf(structs, f); ok {
			out.Offsets[f] = off
		}
	}
	for _, v := range vars {
		if t, ok := varTypes[v]; ok {
			out.Vars[v] = t.String()
		}
	}
	out.NcpuVar = "runtime.ncpu"
	if _, ok := varTypes["runtime.numCPUStartup"]; ok {
		out.NcpuVar = "runtime.numCPUStartup"
	}
	if waitReasonsType == nil {
		fail("no runtime.waitReasonStrings")
	}
	// [N]string: (pointer, length) pairs pointing into .rodata of this non-PIE binary.
	raw := read(f, waitReasonsAddr, uint64(waitReasonsType.Count)*16)
	for i := 0; i < int(waitReasonsType.Count); i++ {
		p, n := binary.LittleEndian.Uint64(raw[i*16:]), binary.LittleEndian.Uint64(raw[i*16+8:])
		s := ""
		if n > 0 {
			s = string(read(f, p, n))
		}
		out.WaitReasons = append(out.WaitReasons, s)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	check(enc.Encode(out))
}

// "runtime.g.stack.lo": struct runtime.g, field stack, then field lo of stack's struct type.
func offsetOf(structs map[string]*dwarf.StructType, path string) (int64, bool) {
	parts := strings.Split(path, ".")
	st := structs[parts[0]+"."+parts[1]]
	if st == nil {
		fail("no struct " + parts[0] + "." + parts[1])
	}
	var off int64
	for i, name := range parts[2:] {
		var found *dwarf.StructField
		for _, fl := range st.Field {
			if fl.Name == name {
				found = fl
			}
		}
		if found == nil {
			return 0, false
		}
		off += found.ByteOffset
		if i < len(parts)-3 {
			t := found.Type
			for td, ok := t.(*dwarf.TypedefType); ok; td, ok = t.(*dwarf.TypedefType) {
				t = td.Type
			}
			st = t.(*dwarf.StructType)
		}
	}
	return off, true
}

func read(f *elf.File, addr, n uint64) []byte {
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && addr >= p.Vaddr && addr+n <= p.Vaddr+p.Filesz {
			b := make([]byte, n)
			_, err := p.ReadAt(b, int64(addr-p.Vaddr))
			check(err)
			return b
		}
	}
	fail(fmt.Sprintf("address %#x not in the file", addr))
	return nil
}

func check(err error) {
	if err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "extract_layout:", msg)
	os.Exit(1)
}
