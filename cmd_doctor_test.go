package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
)

const doctorRecipient = "age1lc8mzn0wsfenvcu063rkjgpmexr69zydffdw6xcdujz3teu7wf3s8zw9f6"

// doctorSecretMaterial matches any age secret key with at least one character
// of its payload: not even part of one may be printed.
var doctorSecretMaterial = regexp.MustCompile(`AGE-SECRET-KEY-(PQ-)?1[0-9A-Za-z]`)

// doctorRun runs doctor and checks, whatever the case, that no output
// holds key material, a token or a decrypted value.
func doctorRun(t *testing.T, envv map[string]string, args ...string) (code int, stdout string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"workato-gitops", "doctor"}, args...), env{
		stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return envv[k] },
	})
	all := out.String() + errb.String()
	if m := doctorSecretMaterial.FindString(all); m != "" {
		t.Errorf("output holds age secret key material %q:\n%s", m, all)
	}
	for _, s := range testSecrets {
		if strings.Contains(all, s) {
			t.Errorf("output holds the secret %q", s)
		}
	}
	for _, k := range []string{"WORKATO_API_TOKEN", "SOPS_AGE_KEY"} {
		if v := envv[k]; len(v) > 3 && strings.Contains(all, strings.TrimSpace(v)) {
			t.Errorf("output holds the value of %s:\n%s", k, all)
		}
	}
	return code, out.String()
}

// wantFinding checks that out has the finding line, followed (after any
// detail lines) by the hint, or by no hint when hint is empty.
func wantFinding(t *testing.T, out, line, hint string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if l != line {
			continue
		}
		got := ""
		for _, next := range lines[i+1:] {
			if !strings.HasPrefix(next, "      ") {
				break
			}
			if h, ok := strings.CutPrefix(next, "      hint: "); ok {
				got = h
			}
		}
		if got != hint {
			t.Errorf("finding %q:\n got hint %q\nwant hint %q", line, got, hint)
		}
		return
	}
	t.Errorf("no finding line %q in:\n%s", line, out)
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}

func doctorDemoKey(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("examples/demo-age-key.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func writeDoctorFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDoctorKeys(t *testing.T) {
	const examples = "examples/tenants"
	acme := "FAIL  sops: examples/tenants/customers/acme.yaml: no key here opens it; recipients: " + doctorRecipient
	noKey := "FAIL  keys: no age identity: SOPS_AGE_KEY, SOPS_AGE_KEY_FILE and the default keys.txt hold none"
	noKeyHint := "set SOPS_AGE_KEY_FILE to your age key file, or SOPS_AGE_KEY to the key itself (in CI, from a secret)"
	wrong, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	wrongPub := wrong.Recipient().String()
	files := writeDoctorFiles(t, map[string]string{
		"public.txt":   "# public key: " + doctorRecipient + "\n" + doctorRecipient + "\n",
		"comments.txt": "# created: 2026-11-23\n\n",
		"pgp.txt":      "-----BEGIN PGP PRIVATE KEY BLOCK-----\n",
		"wrong.txt":    wrong.String() + "\n",
	})
	xdg := writeDoctorFiles(t, map[string]string{"sops/age/keys.txt": doctorDemoKey(t)})
	type want struct{ line, hint string }
	cases := []struct {
		name  string
		env   map[string]string
		code  int
		wants []want
	}{
		{"demo key opens everything", map[string]string{"SOPS_AGE_KEY": doctorDemoKey(t)}, 0, []want{
			{"OK    keys: SOPS_AGE_KEY: 1 age identity: " + doctorRecipient, ""},
			{"OK    sops: examples/tenants/customers/acme.yaml: opens; recipients: " + doctorRecipient, ""},
			{"OK    config: fingerprintKey is set and decrypts", ""},
			{"OK    manifests: 3 tenants valid in 5 files", ""},
		}},
		{"default keys.txt", map[string]string{"XDG_CONFIG_HOME": xdg}, 0, []want{
			{"OK    keys: " + filepath.Join(xdg, "sops", "age", "keys.txt") + ": 1 age identity: " + doctorRecipient, ""},
		}},
		{"malformed SOPS_AGE_KEY", map[string]string{"SOPS_AGE_KEY": "# mine\nAGE-SECRET-KEY-1NOTAKEY\nhello\n"}, 1, []want{
			{"FAIL  keys: SOPS_AGE_KEY: line 2 looks like an age secret key but does not parse",
				"it is truncated or mistyped: copy the whole line again from the key file, without quotes or spaces"},
			{"FAIL  keys: SOPS_AGE_KEY: line 3 is not an age identity",
				"an age identity is one line starting with AGE-SECRET-KEY-1...; lines starting with # are comments"},
			{noKey, noKeyHint},
		}},
		{"one bad line does not hide a good key", map[string]string{"SOPS_AGE_KEY": "hello\n" + doctorDemoKey(t)}, 1, []want{
			{"FAIL  keys: SOPS_AGE_KEY: line 1 is not an age identity",
				"an age identity is one line starting with AGE-SECRET-KEY-1...; lines starting with # are comments"},
			{"OK    sops: examples/tenants/customers/acme.yaml: opens; recipients: " + doctorRecipient, ""},
		}},
		{"key file missing", map[string]string{"SOPS_AGE_KEY_FILE": filepath.Join(files, "nope.txt")}, 1, []want{
			{"FAIL  keys: SOPS_AGE_KEY_FILE=" + filepath.Join(files, "nope.txt") + ": no such file",
				"SOPS_AGE_KEY_FILE must name the file age-keygen wrote (absolute, or relative to the current directory); to pass the key itself, use SOPS_AGE_KEY"},
			{noKey, noKeyHint},
		}},
		{"key file is a directory", map[string]string{"SOPS_AGE_KEY_FILE": files}, 1, []want{
			{"FAIL  keys: SOPS_AGE_KEY_FILE=" + files + ": is a directory, not a key file",
				"name the key file itself, e.g. SOPS_AGE_KEY_FILE=$HOME/.config/sops/age/keys.txt"},
		}},
		{"public key where the secret key was expected", map[string]string{"SOPS_AGE_KEY_FILE": filepath.Join(files, "public.txt")}, 1, []want{
			{"FAIL  keys: SOPS_AGE_KEY_FILE=" + filepath.Join(files, "public.txt") + ": line 2 is an age public key (age1...), not a secret key",
				"the public key is what files are encrypted to; decrypting needs the secret key, the line of the same key file that starts with AGE-SECRET-KEY-1..."},
			{noKey, noKeyHint},
		}},
		{"file with no identity", map[string]string{"SOPS_AGE_KEY_FILE": filepath.Join(files, "comments.txt")}, 1, []want{
			{"FAIL  keys: SOPS_AGE_KEY_FILE=" + filepath.Join(files, "comments.txt") + ": holds no age identity",
				"put the secret key there: the line age-keygen writes that starts with AGE-SECRET-KEY-1..."},
		}},
		{"PGP key in an age key file", map[string]string{"SOPS_AGE_KEY_FILE": filepath.Join(files, "pgp.txt")}, 1, []want{
			{"FAIL  keys: SOPS_AGE_KEY_FILE=" + filepath.Join(files, "pgp.txt") + ": line 1 starts a PGP key block, not an age identity",
				"PGP keys belong in your gpg keyring, not in an age key file; SOPS finds them there"},
		}},
		{"no key at all", nil, 1, []want{
			{noKey, noKeyHint},
			{acme, "no age identity was given: set SOPS_AGE_KEY_FILE or SOPS_AGE_KEY"},
			{"FAIL  config: fingerprintKey is set but could not be decrypted here", "see the sops finding for examples/tenants/workato-gitops.yaml above"},
			{"WARN  manifests: 0 tenants valid; files that do not open here were not checked", "fix the keys above, then run doctor again"},
		}},
		{"wrong key: no matching recipient", map[string]string{"SOPS_AGE_KEY_FILE": filepath.Join(files, "wrong.txt")}, 1, []want{
			{"OK    keys: SOPS_AGE_KEY_FILE=" + filepath.Join(files, "wrong.txt") + ": 1 age identity: " + wrongPub, ""},
			{acme, "your age identities are " + wrongPub + " (SOPS_AGE_KEY_FILE=" + filepath.Join(files, "wrong.txt") +
				"); none is a recipient of this file: use the key of one of its recipients, or ask someone who can open it to add your public key (sops updatekeys)"},
		}},
		{"SOPS_AGE_KEY_CMD is run, as sops runs it", map[string]string{"SOPS_AGE_KEY_CMD": "cat " + must(filepath.Abs("examples/demo-age-key.txt"))}, 0, []want{
			{"OK    keys: SOPS_AGE_KEY_CMD: 1 age identity: " + doctorRecipient, ""},
		}},
		{"SOPS_AGE_KEY_CMD that fails", map[string]string{"SOPS_AGE_KEY": doctorDemoKey(t), "SOPS_AGE_KEY_CMD": "false"}, 1, []want{
			{"FAIL  keys: SOPS_AGE_KEY_CMD: the command failed: false exited with status 1",
				"the command must print the key on its standard output; run it yourself to see why it fails"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out := doctorRun(t, tc.env, "--offline", examples)
			if code != tc.code {
				t.Errorf("exit code %d, want %d:\n%s", code, tc.code, out)
			}
			for _, w := range tc.wants {
				wantFinding(t, out, w.line, w.hint)
			}
		})
	}
}

func TestDoctorUnreadableKeyFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file")
	}
	p := filepath.Join(writeDoctorFiles(t, map[string]string{"keys.txt": doctorDemoKey(t)}), "keys.txt")
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	_, out := doctorRun(t, map[string]string{"SOPS_AGE_KEY_FILE": p}, "--offline", "examples/tenants")
	wantFinding(t, out, "FAIL  keys: SOPS_AGE_KEY_FILE="+p+": cannot read it: permission denied",
		"make the file readable by this user (chmod 600, owned by the user that runs workato-gitops)")
}

func TestDoctorFiles(t *testing.T) {
	data, err := os.ReadFile("examples/tenants/customers/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tampered := writeDoctorFiles(t, map[string]string{"acme.yaml": string(bytes.Replace(data, []byte("password: ENC[AES256_GCM,data:"), []byte("password: ENC[AES256_GCM,data:A"), 1))})
	badConfig := writeDoctorFiles(t, map[string]string{
		"workato-gitops.yaml": "apiVersion: workato-gitops/v1\nkind: Config\nparallelizm: 4\nguards:\n  maxDeletesTotal: -1\n",
	})
	plainInput := writeDoctorFiles(t, map[string]string{"t1.yaml": `apiVersion: workato-gitops/v1
kind: Tenant
metadata:
  name: t1
  allowPlaintextInput: true
customer:
  externalId: A1
  name: T One
  notificationEmail: ops@t1.example
connections:
  - name: API
    provider: http
    input:
      password: fixture-password-8675309
`})
	brokenYAML := writeDoctorFiles(t, map[string]string{"t1.yaml": "a: [\n"})
	badManifest := writeDoctorFiles(t, map[string]string{"t1.yaml": "apiVersion: workato-gitops/v1\nkind: Tenant\nmetadata:\n  name: t1\n"})
	type want struct{ line, hint string }
	cases := []struct {
		name  string
		dir   string
		wants []want
	}{
		{"tampered value", tampered, []want{{
			"FAIL  sops: " + filepath.Join(tampered, "acme.yaml") + ":40: connections[1].input.password: cannot decrypt: the ciphertext was altered, or moved from another field",
			"restore the file from Git, or edit it only with 'sops edit'; values changed outside sops break its MAC"}}},
		{"invalid config", badConfig, []want{{
			"FAIL  config: " + filepath.Join(badConfig, "workato-gitops.yaml") + ": 2 problems",
			"fix these; docs/manifest.md lists every field of the config (its defaults are used meanwhile)"}}},
		{"input without fingerprintKey", plainInput, []want{
			{"OK    config: no workato-gitops.yaml in " + plainInput + "; defaults apply", ""},
			{"FAIL  config: no fingerprintKey, but 1 connection has input",
				"add fingerprintKey: <32+ random characters, e.g. from openssl rand -base64 32> to workato-gitops.yaml, then run workato-gitops encrypt workato-gitops.yaml"},
			{"OK    sops: 1 file with no encrypted values", ""},
		}},
		{"broken YAML is a manifest problem, not a sops one", brokenYAML, []want{
			{"FAIL  manifests: 1 problem; 0 tenants valid",
				"run 'workato-gitops validate " + brokenYAML + "' for the whole list; every problem names its file, line and field"},
		}},
		{"invalid manifest", badManifest, []want{{
			"FAIL  manifests: 1 problem; 0 tenants valid",
			"run 'workato-gitops validate " + badManifest + "' for the whole list; every problem names its file, line and field"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out := doctorRun(t, map[string]string{"SOPS_AGE_KEY": doctorDemoKey(t)}, "--offline", tc.dir)
			if code != 1 {
				t.Errorf("exit code %d, want 1:\n%s", code, out)
			}
			for _, w := range tc.wants {
				wantFinding(t, out, w.line, w.hint)
			}
		})
	}
}

// TestDoctorConfigDetails checks that the first problems of an invalid
// config are shown under its finding.
func TestDoctorConfigDetails(t *testing.T) {
	dir := writeDoctorFiles(t, map[string]string{"workato-gitops.yaml": "apiVersion: workato-gitops/v1\nkind: Config\nparallelizm: 4\n"})
	_, out := doctorRun(t, nil, "--offline", dir)
	cfg := filepath.Join(dir, "workato-gitops.yaml")
	want := "FAIL  config: " + cfg + ": 1 problem\n      " + cfg + ":3: parallelizm: unknown field\n"
	if !strings.Contains(out, want) {
		t.Errorf("want\n%s\nin\n%s", want, out)
	}
}

const doctorTenant = `apiVersion: workato-gitops/v1
kind: Tenant
metadata:
  name: t1
customer:
  externalId: A1
  name: T One
  notificationEmail: ops@t1.example
`

const doctorState = `{"customers": [{"id": 7, "external_id": "A1", "name": "T One", "notification_email": "ops@t1.example", "home_folder_id": 2}]}`

// doctorSandbox serves a sandbox holding customer A1 with the given
// token; forbid, when set, answers 403 to paths that end with it.
func doctorSandbox(t *testing.T, token, forbid string) string {
	t.Helper()
	state := filepath.Join(writeDoctorFiles(t, map[string]string{"sb.json": doctorState}), "sb.json")
	srv, err := sandbox.New(sandbox.Options{Token: token, StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if forbid != "" && strings.HasSuffix(r.URL.Path, forbid) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"message":"Forbidden"}`))
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return hs.URL + "/api"
}

func TestDoctorAPI(t *testing.T) {
	const token = "wrk-doctor-test-token-5f5f"
	dir := writeDoctorFiles(t, map[string]string{"t1.yaml": doctorTenant})
	good := doctorSandbox(t, token, "")
	forbidden := doctorSandbox(t, token, "/connections")
	type want struct{ line, hint string }
	cases := []struct {
		name  string
		env   map[string]string
		code  int
		wants []want
	}{
		{"token accepted", map[string]string{"WORKATO_API_URL": good, "WORKATO_API_TOKEN": token}, 0, []want{
			{"OK    api: URL " + good + " (from WORKATO_API_URL)", ""},
			{"OK    api: WORKATO_API_TOKEN is set", ""},
			{"OK    api: token accepted; list customers: allowed, 1 customer workspace", ""},
			{"OK    api: read the ledger (account properties workato_gitops.*) of customer 7 (tenant t1): allowed", ""},
			{"OK    api: list connections of customer 7 (tenant t1): allowed", ""},
			{"OK    api: list folders of customer 7 (tenant t1): allowed", ""},
		}},
		{"missing token", map[string]string{"WORKATO_API_URL": good}, 1, []want{{
			"FAIL  api: WORKATO_API_TOKEN is not set",
			"create an API client in the Embed admin workspace (Workspace admin → API clients) and export its token; or try the sandbox: WORKATO_API_URL=sandbox:sandbox.json"}}},
		{"bad token", map[string]string{"WORKATO_API_URL": good, "WORKATO_API_TOKEN": "wrk-not-the-token"}, 1, []want{{
			"FAIL  api: list customers: GET /api/managed_users: 401 Unauthorized: the token was refused",
			"WORKATO_API_TOKEN is wrong, revoked or expired, or belongs to an API client of another data center; copy it again from Workspace admin → API clients in the Embed admin workspace"}}},
		{"403 for one permission", map[string]string{"WORKATO_API_URL": forbidden, "WORKATO_API_TOKEN": token}, 1, []want{
			{"FAIL  api: list connections of customer 7 (tenant t1): GET /api/managed_users/7/connections: 403 Forbidden: the API client's role does not allow it",
				"in the Embed admin workspace, edit the role of this API client (Workspace admin → API clients → Client roles) and allow Customer workspaces → Projects → Project assets → Connections"},
			{"OK    api: list folders of customer 7 (tenant t1): allowed", ""},
		}},
		{"plain http to another host", map[string]string{"WORKATO_API_URL": "http://workato.example/api", "WORKATO_API_TOKEN": token}, 1, []want{{
			"FAIL  api: URL http://workato.example/api (from WORKATO_API_URL): plain http to a host that is not loopback is refused, as the token would travel in clear",
			"use https://workato.example/api; plain http is only for a local sandbox (127.0.0.1, localhost)"}}},
		{"credentials in the URL are not echoed", map[string]string{"WORKATO_API_URL": "https://me:" + token + "@workato.example/api", "WORKATO_API_TOKEN": token}, 1, []want{{
			"FAIL  api: URL from WORKATO_API_URL carries credentials, a query or a fragment",
			"the token goes in WORKATO_API_TOKEN only; the URL is just the API root, e.g. https://www.workato.com/api"}}},
		{"unknown data center", map[string]string{"WORKATO_DATA_CENTER": "mars"}, 1, []want{{
			`FAIL  api: WORKATO_DATA_CENTER=mars: workato: unknown data center "mars" (want us, eu, jp, sg, au, il, cn, kr or uk)`,
			"data centers are us, eu, jp, sg, au, il, cn, kr and uk; or set WORKATO_API_URL to the API root ending in /api"}}},
		{"default URL", map[string]string{"WORKATO_API_TOKEN": ""}, 1, []want{
			{"OK    api: URL https://www.workato.com/api (from the default; set WORKATO_API_URL or WORKATO_DATA_CENTER for another data center)", ""},
		}},
		{"sandbox URL", map[string]string{"WORKATO_API_URL": "sandbox:" + filepath.Join(t.TempDir(), "sb.json")}, 0, []want{
			{"OK    api: no tenant's workspace exists yet (apply creates them); per-customer checks skipped", ""},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out := doctorRun(t, tc.env, dir)
			if code != tc.code {
				t.Errorf("exit code %d, want %d:\n%s", code, tc.code, out)
			}
			for _, w := range tc.wants {
				wantFinding(t, out, w.line, w.hint)
			}
			if strings.Contains(out, token) {
				t.Errorf("output holds the token:\n%s", out)
			}
		})
	}
}

func TestDoctorUnreachable(t *testing.T) {
	hs := httptest.NewServer(http.NotFoundHandler())
	url := hs.URL + "/api"
	hs.Close() // nothing listens there any more
	dir := writeDoctorFiles(t, map[string]string{"t1.yaml": doctorTenant})
	code, out := doctorRun(t, map[string]string{"WORKATO_API_URL": url, "WORKATO_API_TOKEN": "wrk-x"}, dir)
	if code != 1 || !strings.Contains(out, "FAIL  api: list customers: cannot reach the API: ") {
		t.Errorf("exit code %d; want a finding about the network in:\n%s", code, out)
	}
}

func TestDoctorWrongURL(t *testing.T) {
	hs := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(hs.Close)
	dir := writeDoctorFiles(t, map[string]string{"t1.yaml": doctorTenant})
	_, out := doctorRun(t, map[string]string{"WORKATO_API_URL": hs.URL, "WORKATO_API_TOKEN": "wrk-x"}, dir)
	wantFinding(t, out, "FAIL  api: list customers: GET /managed_users: 404 Not Found: this URL does not serve the Embedded API",
		"the URL must be the API root of an Embed admin workspace, ending in /api (e.g. https://www.workato.com/api); Embedded endpoints also need the oem_vendor privilege")
}
