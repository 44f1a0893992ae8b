package misskey

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

// Storage keeps small strings by key: a browser's localStorage or
// sessionStorage (misskey/browser), memory (NewMemoryStorage), or a
// program's own. PendingSignIns and AccountStore keep one entry per key, so
// that two pages (two tabs) writing at the same moment do not overwrite each
// other's entries.
type Storage interface {
	Get(key string) (value string, ok bool)
	// Set stores value; an error means it was not stored (a full storage).
	Set(key, value string) error
	Delete(key string)
	// Keys lists the keys that start with prefix.
	Keys(prefix string) []string
}

// CodeStorageError: the storage refused to keep an entry (it is full, or
// the browser forbids it).
const CodeStorageError = "STORAGE_ERROR"

// MemoryStorage is a Storage in memory, safe for concurrent use.
type MemoryStorage struct {
	mu sync.Mutex
	m  map[string]string
}

// NewMemoryStorage returns an empty MemoryStorage.
func NewMemoryStorage() *MemoryStorage { return &MemoryStorage{m: map[string]string{}} }

func (s *MemoryStorage) Get(key string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	return v, ok
}

func (s *MemoryStorage) Set(key, value string) error {
	s.mu.Lock()
	s.m[key] = value
	s.mu.Unlock()
	return nil
}

func (s *MemoryStorage) Delete(key string) {
	s.mu.Lock()
	delete(s.m, key)
	s.mu.Unlock()
}

func (s *MemoryStorage) Keys(prefix string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.m {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	return out
}

// The keys this package uses.
const (
	pendingPrefix = "misskey-wasm:signin:"
	accountPrefix = "misskey-wasm:account:"
	// The formats of version 0.1, read once and converted.
	legacyPendingKey  = "misskey-wasm:miauth"
	legacyAccountsKey = "misskey-wasm:accounts"
)

func storageError(err error) *Error {
	if e, ok := asError(err); ok && e.Code == CodeStorageError {
		return e
	}
	return &Error{Code: CodeStorageError, Message: "the storage refused to keep the entry: " + err.Error(), Err: err}
}

// nowMillis is the time in Unix milliseconds, or clock's when it is set.
func nowMillis(clock func() int64) int64 {
	if clock != nil {
		return clock()
	}
	return time.Now().UnixMilli()
}

// PendingSignIn is a sign-in this browser started and has not completed.
type PendingSignIn struct {
	// ID is the MiAuth session (or a sign-in method's own id).
	ID     string
	Origin string
	// Started is when it started, in Unix milliseconds.
	Started int64
	// Data is a sign-in method's own JSON object, or "".
	Data string
}

// DefaultPendingTTL is how long a started sign-in may be completed.
const DefaultPendingTTL = time.Hour

// PendingSignIns remembers the sign-ins a browser started, so that the
// callback page completes only those (and each once), also in another tab.
// An entry is consumed only by Done (after a successful check) or by its
// expiry; a failed, timed-out or aborted attempt leaves it for the next.
type PendingSignIns struct {
	Storage Storage
	// TTL is how long an entry lives; 0 means DefaultPendingTTL.
	TTL time.Duration
	// Clock gives the time in Unix milliseconds; nil means the real clock.
	Clock func() int64

	mu   sync.Mutex
	busy map[string]bool // ids being completed by this program
}

func (p *PendingSignIns) ttl() int64 {
	if p.TTL > 0 {
		return p.TTL.Milliseconds()
	}
	return DefaultPendingTTL.Milliseconds()
}

// Add remembers a started sign-in, and forgets the expired ones.
func (p *PendingSignIns) Add(s PendingSignIn) error {
	if !validSession(s.ID) {
		return invalidArgument("sign-in id %q has characters an id cannot have", s.ID)
	}
	if s.Started == 0 {
		s.Started = nowMillis(p.Clock)
	}
	p.sweep()
	return p.write(s)
}

func (p *PendingSignIns) write(s PendingSignIn) error {
	b := []byte(`{"origin":`)
	b = appendJSONString(b, s.Origin)
	b = append(b, `,"started":`...)
	b = strconv.AppendInt(b, s.Started, 10)
	if s.Data != "" && isJSONObject([]byte(s.Data)) {
		b = append(b, `,"data":`...)
		b = append(b, s.Data...)
	}
	b = append(b, '}')
	if err := p.Storage.Set(pendingPrefix+s.ID, string(b)); err != nil {
		return storageError(err)
	}
	return nil
}

// sweep forgets expired and unreadable entries, and converts the list of
// version 0.1 ("session origin startedMs" lines).
func (p *PendingSignIns) sweep() {
	if raw, ok := p.Storage.Get(legacyPendingKey); ok {
		for _, line := range strings.Split(raw, "\n") {
			f := strings.Split(strings.TrimSpace(line), " ")
			if len(f) != 3 || !validSession(f[0]) {
				continue
			}
			if ms, err := strconv.ParseInt(f[2], 10, 64); err == nil {
				if _, exists := p.Storage.Get(pendingPrefix + f[0]); !exists {
					_ = p.write(PendingSignIn{ID: f[0], Origin: f[1], Started: ms})
				}
			}
		}
		p.Storage.Delete(legacyPendingKey)
	}
	for _, k := range p.Storage.Keys(pendingPrefix) {
		if _, ok := p.get(strings.TrimPrefix(k, pendingPrefix)); !ok {
			p.Storage.Delete(k)
		}
	}
}

// get reads an entry; an expired or unreadable one reads as none.
func (p *PendingSignIns) get(id string) (PendingSignIn, bool) {
	raw, ok := p.Storage.Get(pendingPrefix + id)
	if !ok {
		return PendingSignIn{}, false
	}
	f, err := jsonObject([]byte(raw))
	if err != nil {
		return PendingSignIn{}, false
	}
	origin, _ := jsonString(f["origin"])
	started, err := strconv.ParseInt(string(f["started"]), 10, 64)
	if err != nil || origin == "" {
		return PendingSignIn{}, false
	}
	age := nowMillis(p.Clock) - started
	if age > p.ttl() || age < -time.Minute.Milliseconds() { // expired, or from a clock that was wrong
		return PendingSignIn{}, false
	}
	return PendingSignIn{ID: id, Origin: origin, Started: started, Data: string(f["data"])}, true
}

// Find returns the pending sign-in id, if it was started here less than TTL
// ago; it stays pending.
func (p *PendingSignIns) Find(id string) (PendingSignIn, bool) {
	if !validSession(id) {
		return PendingSignIn{}, false
	}
	return p.get(id)
}

// Begin returns the pending sign-in id and marks it as being completed by
// this program until End: a second Begin of the same id before End fails,
// so that one program never checks a session twice at once.
func (p *PendingSignIns) Begin(id string) (PendingSignIn, error) {
	s, ok := p.Find(id)
	if !ok {
		return s, &Error{Code: CodeUnknownSession,
			Message: "this sign-in was not started in this browser, is older than an hour, or was already completed: start again"}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.busy[id] {
		return s, &Error{Code: CodeUnknownSession, Message: "this sign-in is being completed already (by another call)"}
	}
	if p.busy == nil {
		p.busy = map[string]bool{}
	}
	p.busy[id] = true
	return s, nil
}

// End ends what Begin started: done (the sign-in succeeded) forgets the
// entry; otherwise it stays pending for another attempt.
func (p *PendingSignIns) End(id string, done bool) {
	p.mu.Lock()
	delete(p.busy, id)
	p.mu.Unlock()
	if done {
		p.Storage.Delete(pendingPrefix + id)
	}
}

// AccountStore keeps signed-in accounts, one entry per user and origin (or
// per token, for an account kept without its user).
type AccountStore struct {
	Storage Storage
	// Clock gives the time in Unix milliseconds; nil means the real clock.
	Clock func() int64
}

// storedAccount is an Account with when it was kept.
type storedAccount struct {
	Account
	added int64
	key   string
}

// accountKey is where acct is kept: by its user's id, or (kept without a
// user id) by a hash of its token: a key must not hold the token, since
// storage errors and tools show keys.
func accountKey(a Account) string {
	if a.UserID != "" {
		return accountPrefix + a.Origin + " " + a.UserID
	}
	h := uint64(14695981039346656037) // FNV-1a, 64 bits
	for i := 0; i < len(a.Token); i++ {
		h = (h ^ uint64(a.Token[i])) * 1099511628211
	}
	const hex = "0123456789abcdef"
	var b [16]byte
	for i := range b {
		b[15-i] = hex[h>>(4*i)&15]
	}
	return accountPrefix + a.Origin + " token-" + string(b[:])
}

// NewAccount makes an Account of origin, token and user, the raw JSON of a
// user object or nil; UserID and Username are read from user (an object
// without a string id is kept as it is, without a UserID). A user that is
// not a JSON object is INVALID_ARGUMENT.
func NewAccount(origin, token string, user []byte) (Account, error) {
	a := Account{Origin: origin, Token: token}
	if len(user) == 0 || string(user) == "null" {
		return a, nil
	}
	f, err := jsonObject(user)
	if err != nil {
		return a, &Error{Code: CodeInvalidArgument, Message: "the user must be a JSON object"}
	}
	a.UserID, _ = jsonString(f["id"])
	a.Username, _ = jsonString(f["username"])
	a.User = user
	return a, nil
}

// MarshalJSON writes the account as {"origin","token","user"} (user null
// when unknown), as kept and as handed to a page.
func (a Account) MarshalJSON() ([]byte, error) {
	return a.appendJSON(nil, -1), nil
}

func (a Account) appendJSON(b []byte, added int64) []byte {
	b = append(b, `{"origin":`...)
	b = appendJSONString(b, a.Origin)
	b = append(b, `,"token":`...)
	b = appendJSONString(b, a.Token)
	b = append(b, `,"user":`...)
	if len(a.User) > 0 {
		b = append(b, a.User...)
	} else {
		b = append(b, "null"...)
	}
	if added >= 0 {
		b = append(b, `,"added":`...)
		b = strconv.AppendInt(b, added, 10)
	}
	return append(b, '}')
}

// parseStoredAccount reads a kept entry; ok is false for a damaged one.
func parseStoredAccount(raw []byte) (storedAccount, bool) {
	f, err := jsonObject(raw)
	if err != nil {
		return storedAccount{}, false
	}
	origin, _ := jsonString(f["origin"])
	token, _ := jsonString(f["token"])
	if o, err := ParseOrigin(origin, true); err != nil || o != origin || token == "" {
		return storedAccount{}, false
	}
	a, err := NewAccount(origin, token, f["user"])
	if err != nil {
		return storedAccount{}, false
	}
	added, _ := strconv.ParseInt(string(f["added"]), 10, 64)
	return storedAccount{Account: a, added: added}, true
}

func (s *AccountStore) load() []storedAccount {
	s.migrate()
	var out []storedAccount
	for _, k := range s.Storage.Keys(accountPrefix) {
		raw, ok := s.Storage.Get(k)
		if !ok {
			continue
		}
		a, ok := parseStoredAccount([]byte(raw))
		if !ok || accountKey(a.Account) != k {
			s.Storage.Delete(k) // damaged: it could never be listed or removed
			continue
		}
		a.key = k
		out = append(out, a)
	}
	// Oldest first (an insertion sort: a handful of accounts, and no
	// generic sort code in the wasm build).
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && (out[j].added < out[j-1].added || out[j].added == out[j-1].added && out[j].key < out[j-1].key); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// migrate converts the single list of version 0.1 into entries.
func (s *AccountStore) migrate() {
	raw, ok := s.Storage.Get(legacyAccountsKey)
	if !ok {
		return
	}
	items, _ := jsonArray([]byte(raw))
	base := nowMillis(s.Clock) - int64(len(items))
	for i, item := range items {
		if a, ok := parseStoredAccount(item); ok {
			if _, exists := s.Storage.Get(accountKey(a.Account)); !exists {
				if s.Storage.Set(accountKey(a.Account), string(a.appendJSON(nil, base+int64(i)))) != nil {
					return // a full storage: the old list stays, to be converted later
				}
			}
		}
	}
	s.Storage.Delete(legacyAccountsKey)
}

// List returns the kept accounts, oldest first. Damaged entries are
// dropped.
func (s *AccountStore) List() []Account {
	stored := s.load()
	out := make([]Account, len(stored))
	for i, a := range stored {
		out[i] = a.Account
	}
	return out
}

// Put keeps a (its origin normalized), replacing the entry of the same
// user on the same origin and any entry of the same token. The new entry is
// written before the old ones go, so a full storage loses nothing.
func (s *AccountStore) Put(a Account) error {
	o, err := ParseOrigin(a.Origin, true)
	if err != nil || a.Token == "" {
		return &Error{Code: CodeInvalidArgument, Message: "an account needs an origin and a token"}
	}
	a.Origin = o
	key := accountKey(a)
	old := s.load()
	if err := s.Storage.Set(key, string(a.appendJSON(nil, nowMillis(s.Clock)))); err != nil {
		e := storageError(err)
		e.Message = strings.ReplaceAll(e.Message, a.Token, "[token]")
		return e
	}
	for _, o := range old {
		if o.key != key && o.Origin == a.Origin && (o.Token == a.Token || (a.UserID != "" && o.UserID == a.UserID)) {
			s.Storage.Delete(o.key)
		}
	}
	return nil
}

// Remove forgets the account of origin with token, or (token "") with
// userID, and returns it.
func (s *AccountStore) Remove(origin, token, userID string) (Account, bool) {
	for _, a := range s.load() {
		if a.Origin == origin && ((token != "" && a.Token == token) || (token == "" && userID != "" && a.UserID == userID)) {
			s.Storage.Delete(a.key)
			return a.Account, true
		}
	}
	return Account{}, false
}
