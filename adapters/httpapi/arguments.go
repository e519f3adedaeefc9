package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/microbase-io/customer-service/domain"
)

// errPayloadTooLarge is returned by parseArguments when the body exceeds the
// limit; the edge answers it with 413 payload_too_large.
var errPayloadTooLarge = errors.New("httpapi: request body too large")

const (
	// argMaxJSONDepth bounds nesting so a hostile body is refused after a few
	// bytes instead of driving a decoder deep into recursion.
	argMaxJSONDepth = 32
	// argMaxParams is url.ParseQuery's own cap; checking it first lets the
	// caller hear why the query or form was refused.
	argMaxParams = 10000
	// argMaxPooledBody keeps the body buffer pool from hoarding large buffers.
	argMaxPooledBody = 64 << 10
)

// arguments are the arguments of one call, merged from the query and the
// body the MicroBase way: the query wins over the body. Accessors record a
// problem instead of failing, so a handler reads every argument and then
// reports all mistakes at once through err.
//
// JSON values are kept as raw slices of the body and decoded only when a
// handler asks for them: most of the body (a whole customer posted back,
// say) is never decoded at all.
type arguments struct {
	query    url.Values // nil when the URL has no query
	form     url.Values // nil unless the body is a form
	fields   []argField // top-level members of a JSON body, in body order
	problems []domain.Problem

	// The accessors hand out pointers. Backing the first few with arrays
	// inside this struct makes reading a method's handful of arguments cost
	// no allocation beyond the struct itself.
	fieldArena [16]argField
	keyArena   [16]string // the scanner's stack of open objects' keys
	strArena   argArena[string]
	intArena   argArena[int64]
	listArena  argArena[[]string]
}

// argArena hands out pointers to slots held inline, enough for any
// method's arguments; past them it allocates.
type argArena[T any] struct {
	slots [8]T
	used  int
}

func (r *argArena[T]) keep(v T) *T {
	if r.used == len(r.slots) {
		p := new(T) // only here, so the arena path never allocates
		*p = v
		return p
	}
	p := &r.slots[r.used]
	r.used++
	*p = v
	return p
}

// argField is one top-level member of a JSON body; raw is its value as it
// appears in the body (validated, not decoded).
type argField struct {
	name string
	raw  string
}

// parseArguments reads the query and at most maxBody bytes of body. Input
// that cannot be read as arguments at all (malformed JSON, invalid UTF-8, an
// unsupported content type) is a *domain.ValidationError; a body over the
// limit is errPayloadTooLarge.
func parseArguments(r *http.Request, maxBody int64) (*arguments, error) {
	body, err := argReadBody(r, maxBody)
	if err != nil {
		return nil, err
	}
	a := new(arguments)
	if r.URL != nil && r.URL.RawQuery != "" {
		if a.query, err = argParseValues(r.URL.RawQuery, "query"); err != nil {
			return nil, err
		}
	}
	if err := a.decodeBody(r.Header.Get("Content-Type"), body); err != nil {
		return nil, err
	}
	return a, nil
}

var argBodyPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 4<<10)
	return &b
}}

// argReadBody returns the body as a string, so JSON values and form values
// can be handed out as substrings without copying each one. The read buffer
// itself is pooled: only the string outlives the call.
func argReadBody(r *http.Request, maxBody int64) (string, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return "", nil
	}
	if r.ContentLength > maxBody {
		return "", errPayloadTooLarge
	}
	bp := argBodyPool.Get().(*[]byte)
	buf := (*bp)[:0]
	if r.ContentLength >= 0 && int64(cap(buf)) <= r.ContentLength {
		// One byte more than announced, so the read that meets EOF needs no
		// second buffer.
		buf = make([]byte, 0, r.ContentLength+1)
	}
	limit := maxBody + 1 // reading one byte past the limit proves it is exceeded
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(cap(buf), int(limit)-len(buf)))
		}
		room := buf[len(buf):cap(buf)]
		if rest := limit - int64(len(buf)); int64(len(room)) > rest {
			room = room[:rest]
		}
		n, err := r.Body.Read(room)
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > maxBody {
			argReleaseBody(bp, buf)
			return "", errPayloadTooLarge
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			argReleaseBody(bp, buf)
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return "", errPayloadTooLarge
			}
			return "", fmt.Errorf("httpapi: read request body: %w", err)
		}
	}
	body := string(buf)
	argReleaseBody(bp, buf)
	return body, nil
}

func argReleaseBody(bp *[]byte, buf []byte) {
	if cap(buf) > argMaxPooledBody {
		return
	}
	*bp = buf[:0]
	argBodyPool.Put(bp)
}

type argBodyKind int

const (
	argBodyNone argBodyKind = iota // no content type given
	argBodyJSON
	argBodyForm
	argBodyOther
)

// argBodyKindOf reads the media type by hand: mime.ParseMediaType allocates
// a map for parameters this decision never looks at.
func argBodyKindOf(contentType string) (argBodyKind, string) {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(mt)
	switch {
	case mt == "":
		return argBodyNone, mt
	case strings.EqualFold(mt, "application/json"),
		len(mt) > len("+json") && strings.EqualFold(mt[len(mt)-len("+json"):], "+json"):
		return argBodyJSON, mt
	case strings.EqualFold(mt, "application/x-www-form-urlencoded"):
		return argBodyForm, mt
	}
	return argBodyOther, mt
}

func (a *arguments) decodeBody(contentType, body string) error {
	start := argSkipSpace(body, 0)
	if start == len(body) {
		return nil
	}
	kind, mediaType := argBodyKindOf(contentType)
	switch kind {
	case argBodyNone:
		if body[start] != '{' {
			return argInvalid("body", "needs a content type: application/json or application/x-www-form-urlencoded")
		}
		kind = argBodyJSON
	case argBodyOther:
		if len(mediaType) > 64 {
			mediaType = mediaType[:64]
		}
		return argInvalid("body", fmt.Sprintf("content type %q is not supported: use application/json or application/x-www-form-urlencoded", mediaType))
	}
	if !utf8.ValidString(body) {
		return argInvalid("body", "must be valid UTF-8")
	}
	if kind == argBodyForm {
		form, err := argParseValues(body, "body")
		a.form = form
		return err
	}
	if body[start] != '{' {
		return argInvalid("body", "must be a JSON object")
	}
	sc := argScanner{src: body, keys: a.keyArena[:0]}
	a.fields = a.fieldArena[:0]
	sc.fields = &a.fields
	if e := sc.document(); e != nil {
		return &domain.ValidationError{Problems: []domain.Problem{e.problem("body", "")}}
	}
	return nil
}

// argParseValues decodes a query or form; where names "query" or "body" for
// the messages.
func argParseValues(s, where string) (url.Values, error) {
	if strings.Count(s, "&") >= argMaxParams {
		return nil, argInvalid(where, "has more than "+strconv.Itoa(argMaxParams)+" parameters")
	}
	values, err := url.ParseQuery(s)
	if err != nil {
		return nil, argInvalid(where, "is not valid URL encoding")
	}
	for k, vs := range values {
		if !utf8.ValidString(k) {
			return nil, argInvalid(where, "must be valid UTF-8")
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return nil, argInvalid(where, "must be valid UTF-8")
			}
		}
	}
	return values, nil
}

func argInvalid(field, message string) error {
	return &domain.ValidationError{Problems: []domain.Problem{{Field: field, Message: message}}}
}

// lookup finds an argument: text values from the query or else the form, or
// the raw JSON value from the body.
func (a *arguments) lookup(name string) (texts []string, raw string, ok bool) {
	if vs, found := a.query[name]; found {
		return vs, "", true
	}
	if vs, found := a.form[name]; found {
		return vs, "", true
	}
	for i := range a.fields {
		if a.fields[i].name == name {
			return nil, a.fields[i].raw, true
		}
	}
	return nil, "", false
}

// has reports whether the argument was given at all, whatever its value.
func (a *arguments) has(name string) bool {
	_, _, ok := a.lookup(name)
	return ok
}

// str returns a string argument, or nil when it is absent or wrong.
func (a *arguments) str(name string) *string {
	texts, raw, ok := a.lookup(name)
	switch {
	case !ok:
		return nil
	case texts != nil:
		if len(texts) > 1 {
			a.problem(name, "must be given once")
			return nil
		}
		return a.strArena.keep(texts[0])
	case raw[0] == '"':
		return a.strArena.keep(argUnquote(raw))
	}
	a.problem(name, "must be a string")
	return nil
}

// strList returns a list of strings: a JSON array, or query/form values
// repeated and/or comma-separated (each part trimmed). A single empty value
// (`tags=`) is an empty list, so a form can clear a list.
func (a *arguments) strList(name string) *[]string { return a.list(name, false) }

// filterList is strList for list filters, which MicroBase also accepts as
// one comma-separated JSON string; parts are trimmed and empty ones dropped.
func (a *arguments) filterList(name string) *[]string { return a.list(name, true) }

func (a *arguments) list(name string, filter bool) *[]string {
	texts, raw, ok := a.lookup(name)
	if !ok {
		return nil
	}
	var out []string
	switch {
	case texts != nil:
		out = argSplitTexts(texts, filter)
	case raw[0] == '[':
		if out, ok = argStringArray(raw, filter); !ok {
			a.problem(name, "must be a list of strings")
			return nil
		}
	case raw[0] == '"' && filter:
		out = argSplitTexts([]string{argUnquote(raw)}, true)
	default:
		a.problem(name, "must be a list of strings")
		return nil
	}
	return a.listArena.keep(out)
}

// integer returns an integer argument: a JSON number with an integral value
// (1e3 is 1000) or a base-10 integer in the query or form.
func (a *arguments) integer(name string) *int64 {
	texts, raw, ok := a.lookup(name)
	if !ok {
		return nil
	}
	var n int64
	var msg string
	if texts != nil {
		if len(texts) > 1 {
			a.problem(name, "must be given once")
			return nil
		}
		var err error
		if n, err = strconv.ParseInt(texts[0], 10, 64); err != nil {
			msg = "must be an integer"
			if errors.Is(err, strconv.ErrRange) {
				msg = "is out of range"
			}
		}
	} else {
		n, msg = argJSONInteger(raw)
	}
	if msg != "" {
		a.problem(name, msg)
		return nil
	}
	return a.intArena.keep(n)
}

// object decodes a JSON object or array argument into dst with
// encoding/json (unknown fields inside are ignored) and reports whether dst
// was filled. In a query or form the value must be JSON text. A value of the
// wrong type is recorded as a problem naming its path, such as
// "addresses[0].phone: must be a number".
func (a *arguments) object(name string, dst any) bool {
	texts, raw, ok := a.lookup(name)
	if !ok {
		return false
	}
	if texts != nil {
		if len(texts) > 1 {
			a.problem(name, "must be given once")
			return false
		}
		if raw, ok = a.jsonText(name, texts[0]); !ok {
			return false
		}
	}
	if raw[0] != '{' && raw[0] != '[' {
		a.problem(name, argShapeMessage(reflect.TypeOf(dst), ""))
		return false
	}
	err := json.Unmarshal([]byte(raw), dst)
	if err == nil {
		return true
	}
	var typeErr *json.UnmarshalTypeError
	var invalid *json.InvalidUnmarshalError
	switch {
	case errors.As(err, &typeErr):
		path, found := argPathAt(raw, int(typeErr.Offset))
		if !found && typeErr.Field != "" {
			path = "." + typeErr.Field
		}
		a.problem(name+path, argShapeMessage(typeErr.Type, typeErr.Value))
	case errors.As(err, &invalid):
		panic("httpapi: object needs a non-nil pointer, got " + invalid.Error())
	default:
		// An UnmarshalJSON method of dst refused the value; its text is
		// for programmers, not callers.
		a.problem(name, "is not valid")
	}
	return false
}

// jsonText checks a query or form value holds JSON under the same rules as
// a JSON body, and returns it trimmed.
func (a *arguments) jsonText(name, text string) (string, bool) {
	start := argSkipSpace(text, 0)
	end := len(text)
	for end > start && argIsSpace(text[end-1]) {
		end--
	}
	text = text[start:end]
	if text == "" {
		a.problem(name, "must be JSON")
		return "", false
	}
	sc := argScanner{src: text, keys: a.keyArena[:0]}
	if e := sc.document(); e != nil {
		p := e.problem(name, name)
		a.problem(p.Field, p.Message)
		return "", false
	}
	return text, true
}

// err returns every problem the accessors met, as one
// *domain.ValidationError, or nil.
func (a *arguments) err() error {
	if len(a.problems) == 0 {
		return nil
	}
	return &domain.ValidationError{Problems: slices.Clip(a.problems)}
}

func (a *arguments) problem(field, message string) {
	p := domain.Problem{Field: field, Message: message}
	if !slices.Contains(a.problems, p) { // a handler may read an argument twice
		a.problems = append(a.problems, p)
	}
}

// argSplitTexts splits query/form values on commas and trims each part.
// Filters drop empty parts; plain lists keep them for the domain to refuse,
// except a single empty value, which is the empty list.
func argSplitTexts(texts []string, dropEmpty bool) []string {
	if len(texts) == 1 && strings.TrimSpace(texts[0]) == "" {
		return []string{}
	}
	n := 0
	for _, t := range texts {
		n += strings.Count(t, ",") + 1
	}
	out := make([]string, 0, n)
	for _, t := range texts {
		for part := range strings.SplitSeq(t, ",") {
			part = strings.TrimSpace(part)
			if part == "" && dropEmpty {
				continue
			}
			out = append(out, part)
		}
	}
	return out
}

// argStringArray decodes a validated JSON array whose elements must all be
// strings. Filters trim elements and drop empty ones.
func argStringArray(raw string, filter bool) ([]string, bool) {
	n := 0
	for it := argMembersOf(raw); ; n++ {
		_, v, _, more := it.next()
		if !more {
			break
		}
		if v[0] != '"' {
			return nil, false
		}
	}
	out := make([]string, 0, n)
	for it := argMembersOf(raw); ; {
		_, v, _, more := it.next()
		if !more {
			break
		}
		s := argUnquote(v)
		if filter {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
		}
		out = append(out, s)
	}
	return out, true
}

// argShapeMessage names the JSON type a Go type expects. got is how
// encoding/json describes the value it refused ("number 1.5", "string").
func argShapeMessage(t reflect.Type, got string) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "has the wrong type"
	}
	switch t.Kind() {
	case reflect.String:
		return "must be a string"
	case reflect.Bool:
		return "must be true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if strings.HasPrefix(got, "number") {
			return "must be an integer"
		}
		return "must be a number"
	case reflect.Float32, reflect.Float64:
		return "must be a number"
	case reflect.Slice, reflect.Array:
		return "must be a list"
	case reflect.Struct, reflect.Map:
		return "must be an object"
	}
	return "has the wrong type"
}

// argJSONInteger reads a validated JSON number as an exact int64. It does
// its own decimal arithmetic because going through float64 would accept
// 9007199254740993 as ...992, and big.Rat would let "1e999999999" cost
// gigabytes. The message is empty on success.
func argJSONInteger(raw string) (int64, string) {
	if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
		return 0, "must be an integer"
	}
	if !strings.ContainsAny(raw, ".eE") {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return 0, "is out of range"
		}
		return n, ""
	}
	neg := raw[0] == '-'
	if neg {
		raw = raw[1:]
	}
	mant, exp := raw, ""
	if i := strings.IndexAny(raw, "eE"); i >= 0 {
		mant, exp = raw[:i], raw[i+1:]
	}
	ip, fp, _ := strings.Cut(mant, ".")
	fp = strings.TrimRight(fp, "0")
	e, big := argExponent(exp)
	digits := argDigits{ip, fp}
	lo, hi := 0, digits.len()
	for lo < hi && digits.at(lo) == '0' {
		lo++
	}
	if lo == hi {
		return 0, "" // every digit is zero
	}
	if big != 0 {
		if big < 0 {
			return 0, "must be an integer"
		}
		return 0, "is out of range"
	}
	scale := e - len(fp)
	for digits.at(hi-1) == '0' {
		hi--
		scale++
	}
	if scale < 0 {
		return 0, "must be an integer"
	}
	if hi-lo+scale > 19 {
		return 0, "is out of range"
	}
	var u uint64
	for i := lo; i < hi; i++ {
		u = u*10 + uint64(digits.at(i)-'0')
	}
	for range scale {
		if u > (1<<64-1)/10 {
			return 0, "is out of range"
		}
		u *= 10
	}
	switch {
	case !neg && u <= 1<<63-1:
		return int64(u), ""
	case neg && u <= 1<<63:
		return int64(-u), ""
	}
	return 0, "is out of range"
}

// argDigits is the integer and fraction digits of a number read as one
// sequence without concatenating them.
type argDigits struct{ ip, fp string }

func (d argDigits) len() int { return len(d.ip) + len(d.fp) }
func (d argDigits) at(i int) byte {
	if i < len(d.ip) {
		return d.ip[i]
	}
	return d.fp[i-len(d.ip)]
}

// argExponent parses an exponent; big is -1 or +1 when its magnitude is
// beyond any value an int64 or its fraction digits could need.
func argExponent(s string) (e int, big int) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	s = strings.TrimLeft(s, "0")
	if len(s) > 9 {
		if neg {
			return 0, -1
		}
		return 0, 1
	}
	for i := 0; i < len(s); i++ {
		e = e*10 + int(s[i]-'0')
	}
	if neg {
		e = -e
	}
	return e, 0
}

// argUnquote decodes a validated JSON string literal the way encoding/json
// does (a lone surrogate becomes U+FFFD). Without escapes it is a substring
// of the body and costs nothing.
func argUnquote(raw string) string {
	s := raw[1 : len(raw)-1]
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c != '\\' {
			j := strings.IndexByte(s[i:], '\\')
			if j < 0 {
				j = len(s) - i
			}
			b.WriteString(s[i : i+j])
			i += j
			continue
		}
		switch esc := s[i+1]; esc {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r := argHex4(s[i+2:])
			i += 6
			if utf16.IsSurrogate(r) {
				if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
					if pair := utf16.DecodeRune(r, argHex4(s[i+2:])); pair != utf8.RuneError {
						b.WriteRune(pair)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			b.WriteRune(r)
			continue
		default: // '"', '\\', '/'
			b.WriteByte(esc)
		}
		i += 2
	}
	return b.String()
}

func argHex4(s string) rune {
	var r rune
	for i := range 4 {
		r <<= 4
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return -1
		}
	}
	return r
}

func argIsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func argSkipSpace(s string, i int) int {
	for i < len(s) && argIsSpace(s[i]) {
		i++
	}
	return i
}

// argScanner checks a JSON text in one pass: syntax, nesting depth and
// repeated keys in any object, recording the top-level members as raw
// slices. It is hand-written because encoding/json accepts repeated keys,
// only limits depth at 10,000, and would decode the whole body into maps
// and interfaces to give the same answer.
type argScanner struct {
	src    string
	pos    int
	keys   []string    // keys of the objects still open, innermost last
	fields *[]argField // where top-level members go; nil to keep none
}

type argScanErrorKind int

const (
	argSyntaxError argScanErrorKind = iota
	argDepthError
	argDuplicateKey
)

// argScanError locates a scan failure. path is built while the recursion
// unwinds, innermost element first, so that the success path pays nothing
// for it.
type argScanError struct {
	kind argScanErrorKind
	at   int
	path []argPathElem
}

type argPathElem struct {
	key   string
	index int
}

// problem renders the failure; field names the whole text, prefix starts
// the path of a repeated key (empty for a body, whose keys are arguments).
func (e *argScanError) problem(field, prefix string) domain.Problem {
	switch e.kind {
	case argDepthError:
		return domain.Problem{Field: field, Message: "is nested deeper than " + strconv.Itoa(argMaxJSONDepth) + " levels"}
	case argDuplicateKey:
		path := prefix
		for i := len(e.path) - 1; i >= 0; i-- {
			switch el := e.path[i]; {
			case el.key == "" && el.index >= 0:
				path += "[" + strconv.Itoa(el.index) + "]"
			case path == "":
				path = el.key
			default:
				path += "." + el.key
			}
		}
		return domain.Problem{Field: path, Message: "given more than once"}
	}
	return domain.Problem{Field: field, Message: "is malformed JSON (at byte " + strconv.Itoa(e.at) + ")"}
}

func (s *argScanner) syntax() *argScanError {
	return &argScanError{kind: argSyntaxError, at: s.pos}
}

func (s *argScanner) document() *argScanError {
	if e := s.value(0); e != nil {
		return e
	}
	if s.pos = argSkipSpace(s.src, s.pos); s.pos != len(s.src) {
		return s.syntax()
	}
	return nil
}

func (s *argScanner) value(depth int) *argScanError {
	s.pos = argSkipSpace(s.src, s.pos)
	if s.pos == len(s.src) {
		return s.syntax()
	}
	switch c := s.src[s.pos]; {
	case c == '{':
		return s.object(depth + 1)
	case c == '[':
		return s.array(depth + 1)
	case c == '"':
		_, e := s.quoted()
		return e
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return s.syntax()
}

func (s *argScanner) literal(word string) *argScanError {
	if !strings.HasPrefix(s.src[s.pos:], word) {
		return s.syntax()
	}
	s.pos += len(word)
	return nil
}

func (s *argScanner) number() *argScanError {
	src, i := s.src, s.pos
	if src[i] == '-' {
		i++
	}
	switch {
	case i < len(src) && src[i] == '0':
		i++
	case i < len(src) && src[i] >= '1' && src[i] <= '9':
		i = argSkipDigits(src, i)
	default:
		s.pos = i
		return s.syntax()
	}
	if i < len(src) && src[i] == '.' {
		j := argSkipDigits(src, i+1)
		if j == i+1 {
			s.pos = j
			return s.syntax()
		}
		i = j
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		j := argSkipDigits(src, i)
		if j == i {
			s.pos = j
			return s.syntax()
		}
		i = j
	}
	s.pos = i
	return nil
}

func argSkipDigits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// quoted scans a string literal and returns it raw, quotes included.
// UTF-8 validity is checked once for the whole text by the caller.
func (s *argScanner) quoted() (string, *argScanError) {
	src, start := s.src, s.pos
	i := start + 1
	for i < len(src) {
		switch c := src[i]; {
		case c == '"':
			s.pos = i + 1
			return src[start:s.pos], nil
		case c == '\\':
			if i+1 >= len(src) {
				s.pos = i
				return "", s.syntax()
			}
			switch src[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(src) || argHex4(src[i+2:]) < 0 {
					s.pos = i
					return "", s.syntax()
				}
				i += 6
			default:
				s.pos = i
				return "", s.syntax()
			}
		case c < 0x20:
			s.pos = i
			return "", s.syntax()
		default:
			i++
		}
	}
	s.pos = i
	return "", s.syntax()
}

// argLinearKeys is how many keys of one object are compared one by one
// before a set takes over, so a hostile object with 100,000 keys stays
// linear.
const argLinearKeys = 16

func (s *argScanner) object(depth int) *argScanError {
	if depth > argMaxJSONDepth {
		return &argScanError{kind: argDepthError, at: s.pos}
	}
	s.pos++ // '{'
	base := len(s.keys)
	defer func() { s.keys = s.keys[:base] }()
	var seen map[string]struct{}
	s.pos = argSkipSpace(s.src, s.pos)
	if s.pos < len(s.src) && s.src[s.pos] == '}' {
		s.pos++
		return nil
	}
	for {
		s.pos = argSkipSpace(s.src, s.pos)
		if s.pos == len(s.src) || s.src[s.pos] != '"' {
			return s.syntax()
		}
		rawKey, e := s.quoted()
		if e != nil {
			return e
		}
		key := argUnquote(rawKey)
		dup := false
		if seen != nil {
			_, dup = seen[key]
			seen[key] = struct{}{}
		} else {
			dup = slices.Contains(s.keys[base:], key)
			s.keys = append(s.keys, key)
			if len(s.keys)-base > argLinearKeys {
				seen = make(map[string]struct{}, 2*argLinearKeys)
				for _, k := range s.keys[base:] {
					seen[k] = struct{}{}
				}
			}
		}
		if dup {
			return &argScanError{kind: argDuplicateKey, at: s.pos, path: []argPathElem{{key: key, index: -1}}}
		}
		if s.pos = argSkipSpace(s.src, s.pos); s.pos == len(s.src) || s.src[s.pos] != ':' {
			return s.syntax()
		}
		s.pos = argSkipSpace(s.src, s.pos+1)
		start := s.pos
		if e := s.value(depth); e != nil {
			e.path = append(e.path, argPathElem{key: key, index: -1})
			return e
		}
		if depth == 1 && s.fields != nil {
			*s.fields = append(*s.fields, argField{name: key, raw: s.src[start:s.pos]})
		}
		s.pos = argSkipSpace(s.src, s.pos)
		if s.pos < len(s.src) {
			switch s.src[s.pos] {
			case ',':
				s.pos++
				continue
			case '}':
				s.pos++
				return nil
			}
		}
		return s.syntax()
	}
}

func (s *argScanner) array(depth int) *argScanError {
	if depth > argMaxJSONDepth {
		return &argScanError{kind: argDepthError, at: s.pos}
	}
	s.pos++ // '['
	s.pos = argSkipSpace(s.src, s.pos)
	if s.pos < len(s.src) && s.src[s.pos] == ']' {
		s.pos++
		return nil
	}
	for i := 0; ; i++ {
		if e := s.value(depth); e != nil {
			e.path = append(e.path, argPathElem{index: i})
			return e
		}
		s.pos = argSkipSpace(s.src, s.pos)
		if s.pos < len(s.src) {
			switch s.src[s.pos] {
			case ',':
				s.pos++
				continue
			case ']':
				s.pos++
				return nil
			}
		}
		return s.syntax()
	}
}

// argMembers walks the members of an object or the elements of an array
// that argScanner has already validated, so it need not check anything.
type argMembers struct {
	src string
	pos int
}

func argMembersOf(raw string) argMembers { return argMembers{src: raw, pos: 1} }

// next returns the raw key (empty in an array), the raw value and where the
// value starts in src.
func (m *argMembers) next() (key, val string, start int, ok bool) {
	m.pos = argSkipSpace(m.src, m.pos)
	if c := m.src[m.pos]; c == '}' || c == ']' {
		return "", "", 0, false
	}
	if m.src[0] == '{' {
		end := argValueEnd(m.src, m.pos)
		key = m.src[m.pos:end]
		m.pos = argSkipSpace(m.src, end) + 1 // ':'
		m.pos = argSkipSpace(m.src, m.pos)
	}
	start = m.pos
	end := argValueEnd(m.src, start)
	val = m.src[start:end]
	m.pos = argSkipSpace(m.src, end)
	if m.src[m.pos] == ',' {
		m.pos++
	}
	return key, val, start, true
}

// argValueEnd returns where the validated value starting at i ends.
func argValueEnd(s string, i int) int {
	switch s[i] {
	case '"':
		for i++; ; i++ {
			switch s[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch s[i] {
			case '"':
				i = argValueEnd(s, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
	}
	for i < len(s) && !argIsSpace(s[i]) && s[i] != ',' && s[i] != '}' && s[i] != ']' {
		i++
	}
	return i
}

// argPathAt names the value of the validated raw JSON that contains byte
// offset off, such as "[0].phone": encoding/json reports where a type
// mismatch happened, but its Field path has no list indices.
func argPathAt(raw string, off int) (string, bool) {
	if off <= 0 || off > len(raw) || (raw[0] != '{' && raw[0] != '[') {
		return "", false
	}
	var b strings.Builder
	for {
		if raw[0] != '{' && raw[0] != '[' {
			return b.String(), true
		}
		found := false
		it := argMembersOf(raw)
		for i := 0; ; i++ {
			key, val, start, ok := it.next()
			if !ok {
				break
			}
			if start < off && off <= start+len(val) {
				if key == "" {
					b.WriteString("[" + strconv.Itoa(i) + "]")
				} else {
					b.WriteString("." + argUnquote(key))
				}
				raw, off, found = val, off-start, true
				break
			}
		}
		if !found {
			return b.String(), true
		}
	}
}
