package mastodon

import (
	"reflect"
	"testing"
)

func TestParseLinks(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []string
		want []link
	}{
		{"mastodon followers", []string{`<https://mastodon.example/api/v1/accounts/14715/followers?limit=2&max_id=7486869>; rel="next", <https://mastodon.example/api/v1/accounts/14715/followers?limit=2&since_id=7489740>; rel="prev"`},
			[]link{
				{"https://mastodon.example/api/v1/accounts/14715/followers?limit=2&max_id=7486869", map[string]string{"rel": "next"}},
				{"https://mastodon.example/api/v1/accounts/14715/followers?limit=2&since_id=7489740", map[string]string{"rel": "prev"}},
			}},
		{"two header lines, token rel", []string{`<https://a.example/p?x=1>;rel=next`, `<https://a.example/q>; rel=prev`},
			[]link{{"https://a.example/p?x=1", map[string]string{"rel": "next"}}, {"https://a.example/q", map[string]string{"rel": "prev"}}}},
		{"commas and semicolons inside URI and quotes", []string{`<https://a.example/p?a=1,2;3>; title="a, b; \"c\""; REL="next"; rel="ignored"`},
			[]link{{"https://a.example/p?a=1,2;3", map[string]string{"title": `a, b; "c"`, "rel": "next"}}}},
		{"ext param, empty elements, bare param", []string{` , <https://a.example/>; title*=UTF-8'de'n%c3%a4chstes; crossorigin ;, `},
			[]link{{"https://a.example/", map[string]string{"title*": "UTF-8'de'n%c3%a4chstes", "crossorigin": ""}}}},
		{"several rels", []string{`<https://a.example/n>; rel="prev next"`},
			[]link{{"https://a.example/n", map[string]string{"rel": "prev next"}}}},
		{"empty", []string{""}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseLinks(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v\nwant %#v", got, tc.want)
			}
		})
	}
	if l, _ := parseLinks([]string{`<x>; rel="Prev NEXT"`}); !l[0].hasRel("next") || l[0].hasRel("last") {
		t.Error("hasRel")
	}
}

func TestParseLinksErrors(t *testing.T) {
	for _, in := range []string{
		`https://a.example/; rel="next"`,  // no <>
		`<https://a.example/; rel="next"`, // unterminated <
		`<https://a.example/>; rel="next`, // unterminated quote
		`<https://a.example/> rel="next"`, // missing ;
		`<https://a.example/>; rel=`,      // missing value
		`<https://a.example/>; ="next"`,   // missing name
		`<https://a.example/>; rel="a\`,   // escape at end
	} {
		if got, err := parseLinks([]string{in}); err == nil {
			t.Errorf("parseLinks(%q) = %v, want an error", in, got)
		}
	}
}
