package oauth2

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
)

// sealed is the encrypted form of Secrets.
type sealed struct {
	KDF    string `json:"kdf"`
	Iter   int    `json:"iter"`
	Salt   []byte `json:"salt"`
	Nonce  []byte `json:"nonce"`
	Cipher []byte `json:"data"`
}

// kdfIter is the PBKDF2 iteration count for new files.
const kdfIter = 210_000

const kdfName = "pbkdf2-sha256"

// aad binds the ciphertext to its purpose.
var aad = []byte("mailscript oauth2 secrets v1")

func (s *Store) key(salt []byte, iter int) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := fmt.Sprintf("%x/%d", salt, iter)
	if key, ok := s.keys[k]; ok {
		return key, nil
	}
	key, err := pbkdf2.Key(sha256.New, s.pass, salt, iter, 32)
	if err != nil {
		return nil, err
	}
	s.keys[k] = key
	s.salt = salt
	return key, nil
}

func (s *Store) seal(sec *Secrets) (*sealed, error) {
	s.mu.Lock()
	salt := s.salt
	s.mu.Unlock()
	if salt == nil {
		salt = make([]byte, 16)
		rand.Read(salt)
	}
	key, err := s.key(salt, kdfIter)
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	plain, _ := json.Marshal(sec)
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return &sealed{KDF: kdfName, Iter: kdfIter, Salt: salt, Nonce: nonce, Cipher: aead.Seal(nil, nonce, plain, aad)}, nil
}

// errBadKey is the error of a passphrase that does not open the secrets.
var errBadKey = errors.New("the stored tokens cannot be decrypted: " + KeyEnv + " is not the passphrase they were saved with")

func (s *Store) open(sl *sealed) (*Secrets, error) {
	if sl.KDF != kdfName || sl.Iter < 1 || len(sl.Salt) < 8 {
		return nil, fmt.Errorf("unknown encryption %q", sl.KDF)
	}
	key, err := s.key(sl.Salt, sl.Iter)
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	if len(sl.Nonce) != aead.NonceSize() {
		return nil, errBadKey
	}
	plain, err := aead.Open(nil, sl.Nonce, sl.Cipher, aad)
	if err != nil {
		return nil, errBadKey
	}
	var sec Secrets
	if err := json.Unmarshal(plain, &sec); err != nil {
		return nil, fmt.Errorf("the stored tokens are damaged: %w", err)
	}
	return &sec, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}
