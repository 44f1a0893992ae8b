package misskey

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fullStorage refuses every write, as a full localStorage does.
type fullStorage struct{ *MemoryStorage }

func (fullStorage) Set(string, string) error { return errors.New("QuotaExceededError") }

func TestPendingSignIns(t *testing.T) {
	now := int64(1_700_000_000_000)
	p := &PendingSignIns{Storage: NewMemoryStorage(), Clock: func() int64 { return now }}
	const id = "0b7f6c1e-1d2a-4a4e-9d0c-2f7b4e0e9a11"
	if err := p.Add(PendingSignIn{ID: id, Origin: "https://misskey.example"}); err != nil {
		t.Fatal(err)
	}
	// Find does not consume.
	for range 2 {
		if s, ok := p.Find(id); !ok || s.Origin != "https://misskey.example" || s.Started != now {
			t.Fatalf("Find = %+v, %v", s, ok)
		}
	}
	// Begin marks it busy until End; a failed attempt leaves it pending.
	if _, err := p.Begin(id); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Begin(id); err == nil || err.(*Error).Code != CodeUnknownSession {
		t.Fatalf("a second Begin while busy: %v", err)
	}
	p.End(id, false)
	if _, err := p.Begin(id); err != nil {
		t.Fatalf("Begin after a failed attempt: %v", err)
	}
	p.End(id, true) // succeeded: consumed
	if _, ok := p.Find(id); ok {
		t.Fatal("a completed sign-in is still pending")
	}
	if _, err := p.Begin(id); err == nil || err.(*Error).Code != CodeUnknownSession {
		t.Fatalf("Begin of a completed sign-in: %v", err)
	}

	// The hour's expiry, and a clock that was set back.
	p.Add(PendingSignIn{ID: "a", Origin: "https://a.example"})
	now += DefaultPendingTTL.Milliseconds() + 1
	if _, ok := p.Find("a"); ok {
		t.Error("an expired sign-in is still pending")
	}
	p.Add(PendingSignIn{ID: "b", Origin: "https://b.example", Started: now + 3_600_000})
	if _, ok := p.Find("b"); ok {
		t.Error("a sign-in from the future is pending")
	}
	// Add sweeps expired and unreadable entries, and converts 0.1's list.
	p.Storage.Set(pendingPrefix+"junk", "{not json")
	p.Storage.Set(legacyPendingKey, "old https://old.example "+strconv.FormatInt(now-1000, 10)+"\nexpired https://a.example 1\n")
	p.Add(PendingSignIn{ID: "c", Origin: "https://c.example"})
	keys := p.Storage.Keys("misskey-wasm:")
	slices.Sort(keys)
	if len(keys) != 2 || keys[0] != pendingPrefix+"c" || keys[1] != pendingPrefix+"old" {
		t.Errorf("after a sweep the storage holds %v", keys)
	}
	if s, ok := p.Find("old"); !ok || s.Origin != "https://old.example" {
		t.Errorf("a sign-in started under 0.1: %+v %v", s, ok)
	}
	// Ids that are not ids, and a full storage.
	if err := p.Add(PendingSignIn{ID: "a/b", Origin: "https://a.example"}); err == nil {
		t.Error("an id with a slash was taken")
	}
	if _, ok := p.Find("../x"); ok {
		t.Error("Find took a path")
	}
	full := &PendingSignIns{Storage: fullStorage{NewMemoryStorage()}}
	if err := full.Add(PendingSignIn{ID: "d", Origin: "https://d.example"}); err == nil || err.(*Error).Code != CodeStorageError {
		t.Errorf("a full storage: %v", err)
	}
}

func account(t *testing.T, origin, token, id string) Account {
	t.Helper()
	var user []byte
	if id != "" {
		user = []byte(`{"id":"` + id + `","username":"u` + id + `","name":"é \"quoted\""}`)
	}
	a, err := NewAccount(origin, token, user)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAccountStore(t *testing.T) {
	clock := int64(0)
	s := &AccountStore{Storage: NewMemoryStorage(), Clock: func() int64 { clock++; return clock }}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Put(account(t, "https://a.example", "t1", "u1")))
	must(s.Put(account(t, "https://b.example", "t2", "u1"))) // same id, another instance: another account
	must(s.Put(account(t, "https://a.example", "t3", "")))   // no user yet
	// The same user signs in again: one entry, the new token.
	must(s.Put(account(t, "https://a.example", "t4", "u1")))
	// The account kept without a user gets its user: the token's entry goes.
	must(s.Put(account(t, "https://a.example", "t3", "u2")))
	list := s.List()
	var got []string
	for _, a := range list {
		got = append(got, a.Origin+" "+a.Token+" "+a.UserID)
	}
	want := []string{"https://b.example t2 u1", "https://a.example t4 u1", "https://a.example t3 u2"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("list %v, want %v (oldest first)", got, want)
	}
	if j, _ := list[1].MarshalJSON(); string(j) != `{"origin":"https://a.example","token":"t4","user":{"id":"u1","username":"uu1","name":"é \"quoted\""}}` {
		t.Errorf("MarshalJSON %s", j)
	}
	// Remove by token, or by user id.
	if a, ok := s.Remove("https://a.example", "t4", ""); !ok || a.UserID != "u1" {
		t.Errorf("Remove by token: %+v %v", a, ok)
	}
	if a, ok := s.Remove("https://a.example", "", "u2"); !ok || a.Token != "t3" {
		t.Errorf("Remove by user: %+v %v", a, ok)
	}
	if _, ok := s.Remove("https://a.example", "", "u2"); ok {
		t.Error("removed twice")
	}
	if n := len(s.List()); n != 1 {
		t.Errorf("%d accounts left, want 1", n)
	}

	// Damaged entries are dropped, not listed; a full storage is an error.
	s.Storage.Set(accountPrefix+"https://a.example y", `{"origin":"https://a.example","token":"t9","user":{"id":"x"}}`) // key does not match: dropped too
	s.Storage.Set(accountPrefix+"junk", `[1,2`)
	s.Storage.Set(accountPrefix+"https://c.example u", `{"origin":"javascript:alert(1)","token":"t","user":null}`)
	if n := len(s.List()); n != 1 {
		t.Errorf("damaged entries listed: %d accounts", n)
	}
	if keys := s.Storage.Keys(accountPrefix); len(keys) != 1 {
		t.Errorf("damaged entries kept: %v", keys)
	}
	full := &AccountStore{Storage: fullStorage{NewMemoryStorage()}}
	if err := full.Put(account(t, "https://a.example", "t", "u")); err == nil || err.(*Error).Code != CodeStorageError {
		t.Errorf("a full storage: %v", err)
	}
	if err := s.Put(Account{Origin: "not an origin", Token: "t"}); err == nil {
		t.Error("an account without a real origin was kept")
	}
	if a, err := NewAccount("https://a.example", "t", []byte(`{"username":"no id"}`)); err != nil || a.UserID != "" || a.Username != "no id" {
		t.Errorf("a user without an id: %+v, %v", a, err)
	}
	if _, err := NewAccount("https://a.example", "t", []byte(`[1]`)); err == nil {
		t.Error("a user that is not an object was taken")
	}
}

// A full storage loses nothing: the new entry is written before the old
// one goes; the token never stands in a key; origins are normalized.
func TestAccountStoreFullAndKeys(t *testing.T) {
	mem := NewMemoryStorage()
	s := &AccountStore{Storage: mem}
	if err := s.Put(account(t, "https://a.example", "old-token", "u1")); err != nil {
		t.Fatal(err)
	}
	full := &AccountStore{Storage: fullStorage{mem}}
	err := full.Put(account(t, "https://a.example", "new-token", "u1"))
	if err == nil || strings.Contains(err.Error(), "new-token") {
		t.Fatalf("Put into a full storage: %v", err)
	}
	if l := s.List(); len(l) != 1 || l[0].Token != "old-token" {
		t.Errorf("after a failed Put: %+v", l)
	}
	if err := s.Put(Account{Origin: "A.Example", Token: "SECRET-TOKEN-1234"}); err != nil {
		t.Fatal(err)
	}
	for _, k := range mem.Keys(accountPrefix) {
		if strings.Contains(k, "SECRET") {
			t.Errorf("a key holds the token: %q", k)
		}
	}
	if l := s.List(); len(l) != 2 || l[1].Origin != "https://a.example" {
		t.Errorf("origin not normalized: %+v", l)
	}
	// 0.1's list is kept until it could be converted whole.
	mem2 := NewMemoryStorage()
	mem2.Set(legacyAccountsKey, `[{"origin":"https://a.example","token":"t1","user":{"id":"u1"}}]`)
	(&AccountStore{Storage: fullStorage{mem2}}).List()
	if _, ok := mem2.Get(legacyAccountsKey); !ok {
		t.Error("the old list was deleted although it could not be converted")
	}
}

// Version 0.1 kept one list under one key; it is converted once.
func TestAccountStoreMigrates(t *testing.T) {
	st := NewMemoryStorage()
	st.Set(legacyAccountsKey, `[{"origin":"https://a.example","token":"t1","user":{"id":"u1","username":"alice"}},{"origin":"https://b.example","token":"t2","user":null},{"origin":"https://c.example","token":"t3","user":{"username":"no id"}},{"bad":1}]`)
	s := &AccountStore{Storage: st}
	list := s.List()
	if len(list) != 3 || list[0].Username != "alice" || list[1].Token != "t2" || list[2].Username != "no id" {
		t.Fatalf("migrated %+v", list)
	}
	if _, ok := st.Get(legacyAccountsKey); ok {
		t.Error("the old list was kept")
	}
}

// Two pages (tabs) that keep accounts at the same moment both keep theirs:
// each account is its own entry, so no page writes over another's list.
func TestAccountStoreTwoWriters(t *testing.T) {
	st := NewMemoryStorage()
	var wg sync.WaitGroup
	for tab := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &AccountStore{Storage: st}
			for i := range 50 {
				id := fmt.Sprintf("tab%d-%d", tab, i)
				if err := s.Put(account(t, "https://a.example", "tok-"+id, id)); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if n := len((&AccountStore{Storage: st}).List()); n != 100 {
		t.Errorf("%d accounts kept, want 100", n)
	}
}

func TestMemoryStorageKeys(t *testing.T) {
	s := NewMemoryStorage()
	s.Set("a:1", "x")
	s.Set("a:2", "y")
	s.Set("b:1", "z")
	keys := s.Keys("a:")
	if len(keys) != 2 || !strings.HasPrefix(keys[0], "a:") {
		t.Errorf("Keys = %v", keys)
	}
	s.Delete("a:1")
	if _, ok := s.Get("a:1"); ok {
		t.Error("deleted key still there")
	}
}
