package dataset

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// npyHeader is the dictionary at the start of a .npy file.
type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// parseNpyHeader parses the header as the Python literal it is, e.g.
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }: a dict with
// exactly the keys descr (a string), fortran_order (True or False) and
// shape (a tuple of non-negative integers). A key that appears twice, an
// unknown key or a value of the wrong type is an error, so text inside a
// string can never be taken for a key.
func parseNpyHeader(s string) (npyHeader, error) {
	p := &pyParser{s: s}
	var h npyHeader
	p.space()
	if !p.eat('{') {
		return h, errors.New("not a Python dict")
	}
	seen := map[string]bool{}
	for {
		p.space()
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return h, fmt.Errorf("key: %v", err)
		}
		if seen[key] {
			return h, fmt.Errorf("key %q appears twice", key)
		}
		seen[key] = true
		p.space()
		if !p.eat(':') {
			return h, fmt.Errorf("key %q: missing ':'", key)
		}
		p.space()
		switch key {
		case "descr":
			if h.descr, err = p.str(); err != nil {
				return h, fmt.Errorf("'descr': %v", err)
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				h.fortran = true
			case p.word("False"):
			default:
				return h, errors.New("'fortran_order': want True or False")
			}
		case "shape":
			if h.shape, err = p.tuple(); err != nil {
				return h, fmt.Errorf("'shape': %v", err)
			}
		default:
			return h, fmt.Errorf("unknown key %q", key)
		}
		p.space()
		if p.eat('}') {
			break
		}
		if !p.eat(',') {
			return h, fmt.Errorf("after %q: want ',' or '}'", key)
		}
	}
	p.space()
	if p.i != len(p.s) {
		return h, errors.New("text after the dict")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("no %q", k)
		}
	}
	return h, nil
}

// pyParser reads the few Python literals a .npy header holds.
type pyParser struct {
	s string
	i int
}

func (p *pyParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\n\r", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *pyParser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *pyParser) word(w string) bool {
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

// str reads a quoted string without escapes (NumPy writes none).
func (p *pyParser) str() (string, error) {
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", errors.New("want a quoted string")
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+end]
	if strings.IndexByte(v, '\\') >= 0 {
		return "", errors.New("escapes in strings are not supported")
	}
	p.i += end + 2
	return v, nil
}

// tuple reads (), (n,) or (n, m, …) of non-negative integers.
func (p *pyParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("want a tuple")
	}
	dims := []int{}
	for {
		p.space()
		if p.eat(')') {
			return dims, nil
		}
		start := p.i
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		d, err := strconv.Atoi(p.s[start:p.i])
		if err != nil || d < 0 || d > 1<<62 {
			return nil, fmt.Errorf("dimension %q is not a non-negative integer", p.s[start:min(p.i+1, len(p.s))])
		}
		p.eat('L') // Python 2 long
		dims = append(dims, d)
		p.space()
		if p.eat(')') {
			if len(dims) == 1 {
				// (3) is the integer 3 in Python, not a tuple; NumPy never writes it.
				return nil, errors.New("(n) is not a tuple: want (n,)")
			}
			return dims, nil
		}
		if !p.eat(',') {
			return nil, errors.New("want ',' or ')' between dimensions")
		}
	}
}
