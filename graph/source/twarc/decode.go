package twarc

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// shapeMsg is the message for a line that is JSON but no twarc shape.
const shapeMsg = "not a twarc line: want a v1.1 tweet (id_str, user), a twarc2 page (data, includes), " +
	"a flattened tweet (id, text) or a stream line (data, matching_rules)"

// decode decodes one line. "data" is tried as an array first, because pages
// are the large lines; only lines whose data is an object (stream lines,
// single lookups: small) are decoded a second time. msg says what is wrong
// with a line that cannot be used.
func decode(b []byte) (env *envelope, data []obj, hasData bool, msg string) {
	var pl pageLine
	err := json.Unmarshal(b, &pl)
	if err == nil {
		return &pl.envelope, pl.Data, pl.Data != nil, ""
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field == "data" {
		if te.Value != "object" {
			// A scalar data, or an array of scalars.
			return nil, nil, false, fmt.Sprintf("bad twarc line: \"data\" holds a JSON %s, want an array of objects (page) or an object (stream line)", te.Value)
		}
		var ol objectLine
		err = json.Unmarshal(b, &ol)
		if err == nil {
			if ol.Data == nil {
				return &ol.envelope, nil, false, ""
			}
			return &ol.envelope, []obj{*ol.Data}, true, ""
		}
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return nil, nil, false, fmt.Sprintf("not a twarc line: invalid JSON at byte %d: %v; line starts %s", se.Offset, se, excerpt(b))
	case errors.As(err, &te) && te.Field == "":
		return nil, nil, false, fmt.Sprintf("%s; got a JSON %s", shapeMsg, te.Value)
	case errors.As(err, &te):
		// The path names Go's embedded structs, which are no JSON keys.
		field := strings.TrimPrefix(strings.TrimPrefix(te.Field, "envelope."), "obj.")
		return nil, nil, false, fmt.Sprintf("bad twarc line: field %q is a JSON %s, want %s", field, te.Value, jsonKind(te.Type))
	}
	return nil, nil, false, fmt.Sprintf("not a twarc line: %v", err)
}

// maxExcerpt bounds how much of a bad line a message quotes.
const maxExcerpt = 40

// excerpt quotes the start of a line for a message.
func excerpt(b []byte) string {
	if len(b) > maxExcerpt {
		return fmt.Sprintf("%q…", b[:maxExcerpt])
	}
	return fmt.Sprintf("%q", b)
}

// jsonKind names the JSON type that decodes into t.
func jsonKind(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "a number"
	}
	return "another type"
}
