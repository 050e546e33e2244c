package csvedge

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source"
)

func TestNodeTables(t *testing.T) {
	acct := func(key, name, handle string, followers int64) graph.Account {
		a := graph.NewAccount("local", key)
		a.Name, a.Handle, a.Followers = name, handle, followers
		return a
	}
	for _, tc := range []struct {
		name, in string
		want     []graph.Account
	}{
		{"ours", "account,leaning\n100monkeystyping.com,liberal\n40ozblog.blogspot.com,liberal\n",
			[]graph.Account{acct("100monkeystyping.com", "", "", -1), acct("40ozblog.blogspot.com", "", "", -1)}},
		{"gephi", "Id,Label,Modularity Class\nn1,Alice,3\nn2,n2,1\n",
			[]graph.Account{acct("n1", "Alice", "", -1), acct("n2", "", "", -1)}},
		{"nodexl vertices", "Vertex,Followed,Followers,Tweets\njdoe,12,345,6\n",
			[]graph.Account{{Platform: "local", Key: "jdoe", Following: 12, Followers: 345, Posts: 6}}},
		{"counts and handle", "id;handle;followers\n42;@x;7\n", []graph.Account{acct("42", "", "@x", 7)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r recorder
			if err := Import(context.Background(), strings.NewReader(tc.in), source.Options{Name: "n.csv"}, &r); err != nil {
				t.Fatal(err)
			}
			if len(r.Edges) != 0 || !reflect.DeepEqual(r.Accounts, tc.want) {
				t.Errorf("accounts %+v edges %+v, want %+v", r.Accounts, r.Edges, tc.want)
			}
		})
	}
	var r recorder
	err := Import(context.Background(), strings.NewReader("account,followers\nok,1\n,2\nbad,many\n"), source.Options{Name: "n.csv"}, &r)
	if err == nil || err.Error() != `n.csv:3: column "account" is empty; want the account` {
		t.Errorf("empty account: %v", err)
	}
	bad := &source.BadLines{}
	err = Import(context.Background(), strings.NewReader("account,followers\nok,1\n,2\nbad,many\n"), source.Options{Name: "n.csv", SkipBad: true, Bad: bad}, &r)
	if err != nil || bad.Count != 2 || bad.First[1].Error() != `n.csv:4: column "followers": "many" is not a count (want a whole number ≥ 0)` {
		t.Errorf("skip bad: %v %+v", err, bad.First)
	}
}
