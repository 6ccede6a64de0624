package imaplib

// An Item is one element of a command's data list, as Python's imaplib
// returns it: a line (Python bytes), a line together with the literal that
// followed it (Python's (header, data) tuple), or None.
//
// An untagged response with n literals contributes n pair items followed by
// one line item (the text after the last literal), so a data list can be cut
// back into responses: each response ends at its first line item.
type Item struct {
	// Line is the response text: for a pair, the text that announced the
	// literal, ending in {n}.
	Line []byte
	// Literal holds the literal's bytes when IsPair is true.
	Literal []byte
	// IsPair is true for a (line, literal) item.
	IsPair bool
	// IsNone is true for Python's None (the data of a response that did not
	// arrive).
	IsNone bool
}

// LineItem returns a line item.
func LineItem(line []byte) Item { return Item{Line: line} }

// PairItem returns a (line, literal) item.
func PairItem(line, literal []byte) Item { return Item{Line: line, Literal: literal, IsPair: true} }

// NoneItem is Python's None in a data list.
var NoneItem = Item{IsNone: true}
