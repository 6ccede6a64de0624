package oauth2

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// KeyEnv is the environment variable whose value, when set, is the
// passphrase that encrypts the secrets of the store.
const KeyEnv = "MAILSCRIPT_TOKEN_KEY"

// Record is what the store keeps for one sign-in.
type Record struct {
	// Name is the sign-in's name (the file name without ".json").
	Name string `json:"name"`
	// Provider holds the endpoints and scopes used at sign-in.
	Provider
	// ClientID identifies the application to the provider.
	ClientID string `json:"client_id"`
	// SignedIn is when the user signed in.
	SignedIn time.Time `json:"signed_in"`
	// Obtained is when the current access token was issued, Expiry when it
	// expires (zero: unknown).
	Obtained time.Time `json:"obtained,omitzero"`
	Expiry   time.Time `json:"expiry,omitzero"`
	// RefreshUsed is when the refresh token was last used (zero: never).
	RefreshUsed time.Time `json:"refresh_used,omitzero"`
	// Rotations counts the refreshes that returned a new refresh token.
	Rotations int `json:"rotations,omitempty"`

	// Secrets are kept apart, and sealed when the store has a key.
	Secrets Secrets `json:"-"`
}

// Secrets are the parts of a Record that must never be shown.
type Secrets struct {
	AccessToken  string `json:"access_token,omitempty"`
	TokenType    string `json:"token_type,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	ClientSecret string `json:"client_secret,omitempty"`
}

// file is the on-disk form of a Record.
type file struct {
	Version int `json:"version"`
	*Record
	Secrets *Secrets `json:"secrets,omitempty"`
	Sealed  *sealed  `json:"sealed,omitempty"`
}

// Store is a folder of sign-ins, one file per name. Its methods may be
// called from several goroutines.
type Store struct {
	dir  string
	pass string // passphrase; "" stores the secrets in clear

	mu   sync.Mutex
	keys map[string][]byte // derived keys by salt
	salt []byte            // salt of the last key derived or used
}

// NewStore returns the store in dir, which is created (0700) on the first
// write. A non-empty passphrase seals the secrets of the files it writes and
// is needed to read them back.
func NewStore(dir, passphrase string) *Store {
	return &Store{dir: dir, pass: passphrase, keys: make(map[string][]byte)}
}

// Dir returns the store's folder.
func (s *Store) Dir() string { return s.dir }

// CheckName reports whether name can name a sign-in: letters, digits and
// ". _ @ + -", not starting with a punctuation mark, at most 128 bytes.
func CheckName(name string) error {
	if !validName(name) || strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".lock") {
		return fmt.Errorf("oauth2: %q cannot name a sign-in (letters, digits and . _ @ + -, starting with a letter or digit)", name)
	}
	return nil
}

// validName matches ^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$ (as a regular
// expression, its repetition costs every process 2 ms to compile).
func validName(name string) bool {
	if len(name) == 0 || len(name) > 128 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if !alnum && (i == 0 || !strings.ContainsRune("._@+-", rune(c))) {
			return false
		}
	}
	return true
}

// Path returns the file of name.
func (s *Store) Path(name string) string { return filepath.Join(s.dir, name+".json") }

// ErrNotFound matches the error of Load for a name that has no file.
var ErrNotFound = errors.New("oauth2: no such sign-in")

// Load reads the record of name.
func (s *Store) Load(name string) (*Record, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(s.Path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w %q in %s: sign in with \"mailscript auth login %s\"", ErrNotFound, name, s.dir, name)
	}
	if err != nil {
		return nil, fmt.Errorf("oauth2: %s: %w", name, err)
	}
	return s.decode(name, raw)
}

func (s *Store) decode(name string, raw []byte) (*Record, error) {
	f := file{Record: &Record{}}
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("oauth2: %s: the store file %s is damaged: %w", name, s.Path(name), err)
	}
	if f.Version != 1 {
		return nil, fmt.Errorf("oauth2: %s: store file version %d is not supported", name, f.Version)
	}
	rec := f.Record
	rec.Name = name
	rec.Provider.restorePreset()
	switch {
	case f.Sealed != nil:
		if s.pass == "" {
			return nil, fmt.Errorf("oauth2: %s: the stored tokens are encrypted: set %s to the passphrase", name, KeyEnv)
		}
		sec, err := s.open(f.Sealed)
		if err != nil {
			return nil, fmt.Errorf("oauth2: %s: %w", name, err)
		}
		rec.Secrets = *sec
	case f.Secrets != nil:
		rec.Secrets = *f.Secrets
	}
	return rec, nil
}

// LoadInfo reads the record of name without its secrets (which need no
// passphrase then); Sealed reports whether they are encrypted.
func (s *Store) LoadInfo(name string) (rec *Record, isSealed bool, err error) {
	if err := CheckName(name); err != nil {
		return nil, false, err
	}
	raw, err := os.ReadFile(s.Path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("%w %q in %s", ErrNotFound, name, s.dir)
	}
	if err != nil {
		return nil, false, fmt.Errorf("oauth2: %s: %w", name, err)
	}
	f := file{Record: &Record{}}
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, false, fmt.Errorf("oauth2: %s: the store file is damaged: %w", name, err)
	}
	f.Record.Name = name
	f.Record.Provider.restorePreset()
	if f.Secrets != nil {
		// Only whether there is a refresh token is kept.
		f.Record.Secrets = Secrets{RefreshToken: nonEmpty(f.Secrets.RefreshToken)}
	}
	return f.Record, f.Sealed != nil, nil
}

func nonEmpty(s string) string {
	if s == "" {
		return ""
	}
	return "x"
}

// Save writes rec atomically: a temporary file in the same folder, synced,
// renamed over the old one, then the folder synced.
func (s *Store) Save(rec *Record) error {
	if err := CheckName(rec.Name); err != nil {
		return err
	}
	f := file{Version: 1, Record: rec}
	if s.pass != "" {
		sl, err := s.seal(&rec.Secrets)
		if err != nil {
			return fmt.Errorf("oauth2: %s: %w", rec.Name, err)
		}
		f.Sealed = sl
	} else {
		sec := rec.Secrets
		f.Secrets = &sec
	}
	raw, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("oauth2: %s: %w", rec.Name, err)
	}
	if err := writeAtomic(s.dir, rec.Name+".json", append(raw, '\n')); err != nil {
		return fmt.Errorf("oauth2: %s: save: %w", rec.Name, err)
	}
	return nil
}

func writeAtomic(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Delete removes the file of name; it reports ErrNotFound when there is
// none.
func (s *Store) Delete(name string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	err := os.Remove(s.Path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w %q in %s", ErrNotFound, name, s.dir)
	}
	if err != nil {
		return fmt.Errorf("oauth2: %s: %w", name, err)
	}
	os.Remove(filepath.Join(s.dir, name+".lock"))
	return nil
}

// Names lists the sign-ins of the store, sorted.
func (s *Store) Names() ([]string, error) {
	ents, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("oauth2: %w", err)
	}
	var names []string
	for _, e := range ents {
		n, ok := strings.CutSuffix(e.Name(), ".json")
		if ok && e.Type().IsRegular() && CheckName(n) == nil {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// version identifies one state of a store file, to notice changes.
type version struct {
	mod  time.Time
	size int64
	ino  uint64
}

func (s *Store) version(name string) (version, bool) {
	fi, err := os.Stat(s.Path(name))
	if err != nil {
		return version{}, false
	}
	return version{mod: fi.ModTime(), size: fi.Size(), ino: inode(fi)}, true
}
