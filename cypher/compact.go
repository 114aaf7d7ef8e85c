package cypher

import "strings"

// compact is a statement as Neo4j receives it: without its comments, and with each run of
// whitespace outside string literals and quoted names made one space, or one line break where
// the run held one. Neo4j reads the whole text of a statement every time it runs one, before it
// finds the plan it cached (its pre-parser copies the text into an array of code points), so a
// comment costs processor time and garbage on every run, not once: about 27 bytes of garbage a
// byte of text (docs/performance.md, "Where a send's tail came from").
func compact(text string) string {
	var out strings.Builder
	out.Grow(len(text))
	space, lineBreak := false, false // a run of whitespace waits to be written
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '/' && i+1 < len(text) && text[i+1] == '/':
			i = skipLine(text, i)
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			i = skipBlock(text, i)
			space = true
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			space, lineBreak = true, lineBreak || c == '\n'
			i++
		default:
			if space && out.Len() > 0 && lineBreak {
				out.WriteByte('\n')
			} else if space && out.Len() > 0 {
				out.WriteByte(' ')
			}
			space, lineBreak = false, false
			end := i + 1
			if c == '\'' || c == '"' || c == '`' {
				end = skipQuoted(text, i)
			}
			out.WriteString(text[i:end])
			i = end
		}
	}
	return out.String()
}

// skipLine returns the position of the line break that ends the comment starting at i, or the
// text's end.
func skipLine(text string, i int) int {
	if n := strings.IndexByte(text[i:], '\n'); n >= 0 {
		return i + n
	}
	return len(text)
}

// skipBlock returns the position just past the block comment starting at i, or the text's end.
func skipBlock(text string, i int) int {
	if n := strings.Index(text[i+2:], "*/"); n >= 0 {
		return i + 2 + n + 2
	}
	return len(text)
}

// skipQuoted returns the position just past the string literal or quoted name that starts at i
// with its quote: a backslash escapes the next character in a string, and a quote written twice
// stands for itself.
func skipQuoted(text string, i int) int {
	quote := text[i]
	for j := i + 1; j < len(text); j++ {
		switch text[j] {
		case '\\':
			if quote != '`' {
				j++
			}
		case quote:
			if j+1 < len(text) && text[j+1] == quote {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(text)
}
