// Variables of every Go kind, for print, locals, args, whatis and set: package variables of
// named and unnamed types, escaped locals, closures, generics over several types, maps and
// channels of each shape, interfaces holding each kind, time values, NaN and Inf, huge slices.
// Each scene calls stop(tag) with its variables alive across the call; a debugger breaks on
// main.stop and looks at frame 1. `values bench` stops once in hundred() (100 locals) instead.
package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"time"
	"unsafe"
)

// ---- named types

type Celsius float64
type ID int32
type Label string
type Flags uint8
type Weekday int

func (d Weekday) String() string { return [...]string{"Sun", "Mon", "Tue"}[d%3] }

type Point struct {
	X, Y int
}

func (p Point) Norm1() int   { return abs(p.X) + abs(p.Y) }
func (p *Point) Scale(k int) { p.X *= k; p.Y *= k }

type Base struct {
	ID   int
	Tags []string
}

func (b *Base) Describe() string { return fmt.Sprint("base ", b.ID) }

type Meta struct {
	Version int
	Owner   string
}

// Embeds a struct by value and one by pointer: Base.ID and Meta.Owner are promoted.
type Record struct {
	Base
	*Meta
	Name  string
	Score float64
}

type Node struct {
	Val  int
	Next *Node
}

type Shape interface {
	Area() float64
}

type Rect struct{ W, H float64 }

func (r Rect) Area() float64 { return r.W * r.H }

type Circle struct{ R float64 }

func (c *Circle) Area() float64 { return math.Pi * c.R * c.R }

type MyErr struct {
	Code int
	Msg  string
}

func (e *MyErr) Error() string { return fmt.Sprintf("%d: %s", e.Code, e.Msg) }

type Matrix [2][2]int

type Handler func(int) int

type Big struct {
	Data [40]int // 320 bytes: maps keep such keys and values out of line
	Tag  string
}

type L4 struct{ Val int }
type L3 struct {
	Val  int
	Next L4
}
type L2 struct {
	Val  int
	Next L3
}
type L1 struct {
	Name string
	Next L2
}

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

type Stack[T any] struct {
	items []T
}

func (s *Stack[T]) Push(v T) { s.items = append(s.items, v) }

// ---- package variables

var (
	B        = true
	BFalse   bool
	I                   = -42
	I8       int8       = -128
	I16      int16      = 32767
	I32      int32      = -2147483648
	I64      int64      = 9223372036854775807
	U        uint       = 18446744073709551615
	U8       uint8      = 200
	U16      uint16     = 65535
	U32      uint32     = 4294967295
	U64      uint64     = 1 << 63
	UP       uintptr    = 0xdeadbeef
	F32      float32    = 0.1
	F64                 = 3.141592653589793
	FNeg                = -2.5
	FBig                = 1e21
	FTiny               = 1e-7
	FWhole              = 100.0
	FNaN                = math.NaN()
	FInf                = math.Inf(1)
	FNInf               = math.Inf(-1)
	FNegZero            = math.Copysign(0, -1)
	C64      complex64  = complex(1.5, -2)
	C128     complex128 = complex(0, 1)
	By       byte       = 'A'
	R        rune       = '世'

	Temp  Celsius = 36.6
	Ident ID      = 7
	Lbl   Label   = "gopher"
	Fl    Flags   = 0x81
	Day   Weekday = 2

	S       = "hello, world"
	SEmpty  string
	SUni    = "héllo, 世界"
	SEsc    = "tab\there\nnewline \"quoted\" back\\slash \x00 \x7f"
	SBad    = "bad \xff\xfe utf8"
	SLong   = strings.Repeat("abcdefghij", 100)
	SMulti  = "line1\nline2"
	Pt      = Point{X: 3, Y: -4}
	PtPtr   = &Point{X: 10, Y: 20}
	PtNil   *Point
	IntPtr  *int
	IntPP   **int
	UPtr    unsafe.Pointer
	Rec     Record
	RecPtr  *Record
	Anon    = struct{ A, B int }{A: 1, B: 2}
	Empty   = struct{}{}
	List    = &Node{1, &Node{2, &Node{3, nil}}}
	Arr     = [5]int{1, 2, 3, 4, 5}
	Arr0    [0]int
	ArrS    = [3]string{"a", "b", "c"}
	Mat     = Matrix{{1, 2}, {3, 4}}
	ArrBig  [100]int
	ArrPts  = [2]Point{{1, 2}, {3, 4}}
	ArrPtr  = &Arr
	Sl      = []int{10, 20, 30, 40, 50}
	SlNil   []int
	SlEmpty = []int{}
	SlStr   = []string{"x", "yy", "zzz"}
	SlSl    = [][]int{{1}, {2, 3}, nil}
	SlPtrs  = []*Point{{1, 1}, nil}
	SlBytes = []byte("bytes!")
	SlRunes = []rune("rün")
	SlF     = []float64{0.5, math.NaN(), math.Inf(-1)}
	SlCap   = make([]int, 3, 10)
	SlLong  []int
	SlPtr   = &Sl
	Huge    []int

	M       = map[string]int{"one": 1, "two": 2, "three": 3}
	MNil    map[string]int
	MEmpty  = map[string]int{}
	MInt    = map[int]string{1: "a", 2: "b", 3: "c"}
	MPt     = map[Point]bool{{1, 2}: true}
	MSl     = map[string][]int{"evens": {2, 4}, "odds": {1, 3}}
	MPtr    = map[int]*Point{1: {5, 6}}
	MBig    map[int]int
	MHuge   map[int]int
	MLarge  = map[Big]Big{}
	MIface  = map[any]int{"k": 1}
	MNested = map[string]map[string]int{"a": {"x": 1}}
	MF      = map[float64]string{1.5: "x"}
	MBool   = map[bool]int{true: 1}

	Ch       = make(chan int, 11)
	ChNil    chan int
	ChUnbuf  = make(chan string)
	ChStruct = make(chan struct{}, 1)
	ChRecv   <-chan int
	ChSend   chan<- int
	ChClosed = make(chan int, 2)
	ChPt     = make(chan Point, 3)

	Fn     = strings.ToUpper
	FnNil  func()
	FnClos func() int
	FnMeth func() int
	FnH    Handler = double
	FnExpr         = Point.Norm1
	FnGen          = Sum[int]

	Any      any
	AnyNil   any
	AnyInt   any = 42
	AnyStr   any = "str"
	AnyF     any = 2.5
	AnyB     any = true
	AnyPt    any = Point{7, 8}
	AnyPtr   any = &Point{9, 10}
	AnySl    any = []int{1, 2}
	AnyMap   any = map[string]int{"a": 1}
	AnyFn    any = double
	AnyCh    any
	AnyNamed any = Celsius(-1.5)
	AnyNilP  any = (*Point)(nil)
	AnyArr   any = [2]bool{true, false}
	AnyCplx  any = complex(1, 1)
	AnyAny   any = any(ID(3))
	Err      error
	ErrNil   error
	ErrMy    error = &MyErr{Code: 404, Msg: "not found"}
	ErrWrap  error
	Shp      Shape = Rect{W: 2, H: 3}
	ShpPtr   Shape = &Circle{R: 1}
	ShpNil   Shape
	Str      fmt.Stringer = Day

	When      = time.Date(2024, time.February, 29, 13, 14, 15, 123456789, time.UTC)
	WhenZero  time.Time
	WhenLocal = time.Date(2023, time.July, 1, 0, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	Dur       = 1500 * time.Millisecond
	DurNeg    = -90 * time.Second

	PairSI  = Pair[string, int]{"age", 30}
	PairPt  = Pair[Point, []string]{Point{1, 1}, []string{"p"}}
	StackI  = &Stack[int]{items: []int{1, 2, 3}}
	StackS  Stack[string]
	SlAny   = []any{1, "a", nil, Point{1, 2}, &Point{3, 4}, []int{5}}
	SlErr   = []error{nil, errors.New("e1")}
	MAny    = map[string]any{"nil": nil, "pt": Point{5, 6}}
	Deep    = L1{Name: "top", Next: L2{Val: 2, Next: L3{Val: 3, Next: L4{Val: 4}}}}
	DeepPtr = &Deep
	Nested  = [][]map[string][]int{{{"a": {1}}}}
	Funcs   = []func(int) int{double, nil}
	Ifaces  = [2]Shape{Rect{1, 1}, nil}
	Sink    string
	EscSink *int
	Adder   func(int) int
	Counter int
)

// methods keeps methods that nothing calls in the binary, for method values and expressions.
var methods = []any{(*Point).Scale, (*Base).Describe}

// keep holds every package variable, so the linker keeps them all (and their DWARF).
var keep = []any{&B, &BFalse, &I, &I8, &I16, &I32, &I64, &U, &U8, &U16, &U32, &U64, &UP, &F32, &F64, &FNeg, &FBig, &FTiny, &FWhole, &FNaN, &FInf, &FNInf, &FNegZero, &C64, &C128, &By, &R, &Temp, &Ident, &Lbl, &Fl, &Day, &S, &SEmpty, &SUni, &SEsc, &SBad, &SLong, &SMulti, &Pt, &PtPtr, &PtNil, &IntPtr, &IntPP, &UPtr, &Rec, &RecPtr, &Anon, &Empty, &List, &Arr, &Arr0, &ArrS, &Mat, &ArrBig, &ArrPts, &ArrPtr, &Sl, &SlNil, &SlEmpty, &SlStr, &SlSl, &SlPtrs, &SlBytes, &SlRunes, &SlF, &SlCap, &SlLong, &SlPtr, &Huge, &M, &MNil, &MEmpty, &MInt, &MPt, &MSl, &MPtr, &MBig, &MHuge, &MLarge, &MIface, &MNested, &MF, &MBool, &Ch, &ChNil, &ChUnbuf, &ChStruct, &ChRecv, &ChSend, &ChClosed, &ChPt, &Fn, &FnNil, &FnClos, &FnMeth, &FnH, &FnExpr, &FnGen, &Any, &AnyNil, &AnyInt, &AnyStr, &AnyF, &AnyB, &AnyPt, &AnyPtr, &AnySl, &AnyMap, &AnyFn, &AnyCh, &AnyNamed, &AnyNilP, &AnyArr, &AnyCplx, &AnyAny, &Err, &ErrNil, &ErrMy, &ErrWrap, &Shp, &ShpPtr, &ShpNil, &Str, &When, &WhenZero, &WhenLocal, &Dur, &DurNeg, &PairSI, &PairPt, &StackI, &StackS, &SlAny, &SlErr, &MAny, &Deep, &DeepPtr, &Nested, &Funcs, &Ifaces, &EscSink, &Adder}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func double(x int) int { return x * 2 }

//go:noinline
func stop(tag string) { Counter++ }

func init() {
	IntPtr = &I
	IntPP = &IntPtr
	UPtr = unsafe.Pointer(&I)
	Rec = Record{Base: Base{ID: 11, Tags: []string{"t1", "t2"}}, Meta: &Meta{Version: 2, Owner: "ops"},
		Name: "rec", Score: 99.5}
	RecPtr = &Rec
	for i := range ArrBig {
		ArrBig[i] = i * i
	}
	SlLong = make([]int, 200)
	for i := range SlLong {
		SlLong[i] = i
	}
	Huge = make([]int, 1000000)
	for i := range Huge {
		Huge[i] = i * 3
	}
	MBig = make(map[int]int)
	for i := 0; i < 200; i++ {
		MBig[i] = -i
	}
	MHuge = make(map[int]int)
	for i := 0; i < 100000; i++ {
		MHuge[i] = i
	}
	var k, v Big
	k.Tag, v.Tag = "key", "value"
	k.Data[0], v.Data[39] = 1, 2
	MLarge[k] = v
	for i := 0; i < 4; i++ {
		Ch <- i * 10
	}
	ChStruct <- struct{}{}
	ChRecv, ChSend = Ch, Ch
	ChClosed <- 1
	close(ChClosed)
	ChPt <- Point{1, 2}
	n := 0
	FnClos = func() int { n++; return n }
	FnMeth = Pt.Norm1
	Any = Pt
	AnyCh = Ch
	Err = errors.New("boom")
	ErrWrap = fmt.Errorf("wrapped: %w", Err)
	StackS.Push("s0")
	Sink = Day.String()
}

// ---- scenes

//go:noinline
func kinds(n int, name string, p *Point, xs []int) (count int) {
	b := n > 3
	i8 := int8(n * 30)
	u16 := uint16(n * 1000)
	f := float64(n) / 3
	c := complex(f, -f)
	s := name + "!"
	pt := Point{n, -n}
	arr := [3]int{n, n + 1, n + 2}
	sl := append([]int{}, xs...)
	m := map[string]int{name: n}
	ch := make(chan int, 4)
	ch <- n
	var e error = &MyErr{Code: n, Msg: name}
	var a any = pt
	fn := double
	esc := n * 7 // escapes to the heap: EscSink keeps its address
	addr := &esc
	EscSink = addr
	count = len(xs) + n
	stop("kinds")
	Sink = fmt.Sprint(n, name, xs, b, i8, u16, f, c, s, pt, arr, sl, m, len(ch), e, a, fn(1), *addr, p.X)
	return count
}

//go:noinline
func shadow(v int) {
	x := v * 2
	{
		x := "inner"
		y := x + "!"
		stop("shadow")
		Sink = x + y
	}
	Sink += fmt.Sprint(x)
}

//go:noinline
func named(a, b int) (sum int, err error) {
	sum = a + b
	if sum < 0 {
		err = errors.New("negative")
	}
	stop("named")
	return sum, err
}

//go:noinline
func closures(start int) int {
	total := start
	step := 3
	add := func(k int) int {
		total += k * step // total is captured by reference, step by value
		stop("closure")
		return total
	}
	Adder = add
	Adder(2)
	return total
}

type Number interface {
	~int | ~int64 | ~float64
}

//go:noinline
func Sum[T Number](xs []T) T {
	var total T
	for _, x := range xs {
		total += x
	}
	stop("sum")
	return total
}

//go:noinline
func Lookup[K comparable, V any](m map[K]V, k K) (V, bool) {
	v, ok := m[k]
	stop("lookup")
	return v, ok
}

//go:noinline
func hundred(seed int) int {
	v00, v01, v02, v03, v04, v05, v06, v07, v08, v09 := seed+0, seed+1, seed+2, seed+3, seed+4, seed+5, seed+6, seed+7, seed+8, seed+9
	v10, v11, v12, v13, v14, v15, v16, v17, v18, v19 := seed+10, seed+11, seed+12, seed+13, seed+14, seed+15, seed+16, seed+17, seed+18, seed+19
	v20, v21, v22, v23, v24, v25, v26, v27, v28, v29 := seed+20, seed+21, seed+22, seed+23, seed+24, seed+25, seed+26, seed+27, seed+28, seed+29
	v30, v31, v32, v33, v34, v35, v36, v37, v38, v39 := seed+30, seed+31, seed+32, seed+33, seed+34, seed+35, seed+36, seed+37, seed+38, seed+39
	v40, v41, v42, v43, v44, v45, v46, v47, v48, v49 := seed+40, seed+41, seed+42, seed+43, seed+44, seed+45, seed+46, seed+47, seed+48, seed+49
	s50, s51, s52, s53, s54, s55, s56, s57, s58, s59 := "s50", "s51", "s52", "s53", "s54", "s55", "s56", "s57", "s58", "s59"
	s60, s61, s62, s63, s64, s65, s66, s67, s68, s69 := "s60", "s61", "s62", "s63", "s64", "s65", "s66", "s67", "s68", "s69"
	p70, p71, p72, p73, p74 := Point{70, 1}, Point{71, 1}, Point{72, 1}, Point{73, 1}, Point{74, 1}
	p75, p76, p77, p78, p79 := Point{75, 1}, Point{76, 1}, Point{77, 1}, Point{78, 1}, Point{79, 1}
	f80, f81, f82, f83, f84, f85, f86, f87, f88, f89 := 80.5, 81.5, 82.5, 83.5, 84.5, 85.5, 86.5, 87.5, 88.5, 89.5
	l90, l91, l92, l93, l94 := []int{90}, []int{91}, []int{92}, []int{93}, []int{94}
	b95, b96, b97, b98 := seed > 95, seed > 96, seed > 97, seed > 98
	stop("hundred")
	Sink = fmt.Sprint(v00, v01, v02, v03, v04, v05, v06, v07, v08, v09, v10, v11, v12, v13, v14, v15, v16, v17, v18, v19,
		v20, v21, v22, v23, v24, v25, v26, v27, v28, v29, v30, v31, v32, v33, v34, v35, v36, v37, v38, v39,
		v40, v41, v42, v43, v44, v45, v46, v47, v48, v49, s50, s51, s52, s53, s54, s55, s56, s57, s58, s59,
		s60, s61, s62, s63, s64, s65, s66, s67, s68, s69, p70, p71, p72, p73, p74, p75, p76, p77, p78, p79,
		f80, f81, f82, f83, f84, f85, f86, f87, f88, f89, l90, l91, l92, l93, l94, b95, b96, b97, b98)
	return len(Sink)
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "bench" {
		fmt.Println(hundred(1))
		return
	}
	Counter += len(keep) + len(methods)
	kinds(4, "gopher", PtPtr, Sl)
	shadow(21)
	named(5, 6)
	closures(100)
	Sum([]int{1, 2, 3})
	Sum([]float64{0.5, 0.25})
	Sum([]Celsius{1.5, 2})
	Lookup(map[string]int{"k": 9}, "k")
	Lookup(map[Point][]string{{1, 2}: {"a", "b"}}, Point{1, 2})
	fmt.Println("values done", Counter, len(Sink) > 0)
}

// Constants of named types: a value of such a type prints by the constants' names, as Delve
// shows it: Day as Tuesday (2), Fl (0x81) as FlagLow|FlagHigh (129).
const (
	Sunday Weekday = iota
	Monday
	Tuesday
)

const (
	FlagLow  Flags = 1 << 0
	FlagMid  Flags = 1 << 3
	FlagHigh Flags = 1 << 7
)
