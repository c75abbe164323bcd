package rules

import "testing"

func TestPlaceholderDate(t *testing.T) {
	for s, want := range map[string]bool{
		"01/01/1900": true, "1/1/1900": true, "1900-01-01": true, "12/31/1899": true, "31.12.1899": true,
		"00/00/0000": true, "01/01/0001": true,
		"01/02/1900": false, "01/01/1970": false, "03/14/1952": false, "1/1/2000": false, "12/30/1899": false,
		"01/01": false, "1/1/1/1900": false, "": false,
	} {
		if got := placeholderDate(s); got != want {
			t.Errorf("placeholderDate(%q) = %v, want %v", s, got, want)
		}
	}
}
