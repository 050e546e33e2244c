package mastodon

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// acctKey turns an acct as an instance wrote it ("alice" for its own
// accounts, "alice@example.social" for others) into the account key
// "username@domain", the domain lower-cased. home is the domain of the
// instance that wrote it.
func acctKey(acct, home string) (string, error) {
	user, domain, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(acct), "@"), "@")
	if !ok {
		domain = home
	}
	if err := checkUser(user); err != nil {
		return "", fmt.Errorf("acct %q: %w", acct, err)
	}
	domain, err := normDomain(domain)
	if err != nil {
		return "", fmt.Errorf("acct %q: %w", acct, err)
	}
	return user + "@" + domain, nil
}

// splitKey returns the username and domain of a key made by acctKey.
func splitKey(key string) (user, domain string, err error) {
	user, domain, ok := strings.Cut(key, "@")
	if !ok {
		return "", "", fmt.Errorf("account key %q is not username@domain", key)
	}
	if err := checkUser(user); err != nil {
		return "", "", fmt.Errorf("account key %q: %w", key, err)
	}
	if domain, err = normDomain(domain); err != nil {
		return "", "", fmt.Errorf("account key %q: %w", key, err)
	}
	return user, domain, nil
}

func checkUser(u string) error {
	if u == "" {
		return fmt.Errorf("empty username")
	}
	for _, r := range u {
		if r == '@' || r == '/' || r == '?' || r == '#' || unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("bad character %q in username", r)
		}
	}
	return nil
}

// normDomain lower-cases a domain and rejects anything that could not be a
// host name (with optional port), so that a domain read from a server never
// turns into another URL.
func normDomain(d string) (string, error) {
	d = strings.TrimSuffix(strings.ToLower(d), ".")
	if d == "" || len(d) > 253 {
		return "", fmt.Errorf("bad domain %q", d)
	}
	for _, r := range d {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '.' || r == ':' || r == '_') {
			return "", fmt.Errorf("bad character %q in domain %q", r, d)
		}
	}
	return d, nil
}

// seedKey reads a seed as a user types it: "user@instance",
// "@user@instance", or a profile URL "https://instance/@user" (also
// "/@user@other" and "/users/user").
func seedKey(seed string) (string, error) {
	s := strings.TrimSpace(seed)
	if strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") {
		u, err := url.Parse(s)
		if err != nil {
			return "", fmt.Errorf("seed %q: %w", seed, err)
		}
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		switch {
		case len(parts) >= 1 && strings.HasPrefix(parts[0], "@"):
			s = parts[0]
		case len(parts) >= 2 && parts[0] == "users":
			s = parts[1]
		default:
			return "", fmt.Errorf("seed %q: not a profile URL (want https://instance/@user)", seed)
		}
		k, err := acctKey(s, u.Hostname())
		if err != nil {
			return "", fmt.Errorf("seed %q: %w", seed, err)
		}
		return k, nil
	}
	if !strings.Contains(strings.TrimPrefix(s, "@"), "@") {
		return "", fmt.Errorf("seed %q: want user@instance", seed)
	}
	k, err := acctKey(s, "")
	if err != nil {
		return "", fmt.Errorf("seed %q: %w", seed, err)
	}
	return k, nil
}
