package workflows

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// stubIssuesGH is gh for drift-issue.sh: it logs each call, fails one
// containing $GH_FAIL as gh fails on a 502, and hands the rest to
// issuesGH in the test process, over the TCP connection bash opens with
// /dev/tcp (its arguments, after its working directory and
// $GITHUB_REPOSITORY, each ended by a NUL); the answer is the exit code
// on a line, then what goes to stdout (to stderr when the code is not 0).
// A script and not a process of Go's, so that a call costs one bash: the
// drift tests make a hundred.
const stubIssuesGH = `#!/usr/bin/env bash
echo "gh $*" >> "$STUB/calls.log"
if [ -n "${GH_FAIL:-}" ] && [[ "$*" == *"$GH_FAIL"* ]]; then
  echo "gh: Bad Gateway (HTTP 502)" >&2; exit 1
fi
exec 3<>"/dev/tcp/$STUB_GH"
printf '%d\n' $(($# + 2)) >&3
printf '%s\0' "$PWD" "$GITHUB_REPOSITORY" "$@" >&3
read -r code <&3 && [[ $code =~ ^[0-9]+$ ]] || { echo "stub gh: no answer from the test" >&2; exit 1; }
if [ "$code" = 0 ]; then cat <&3; else cat <&3 >&2; fi
exit "$code"
`

// issuesGH is a GitHub holding one repository's issues in dir/issues.json
// (each with its comments), answering the REST calls drift-issue.sh makes
// as GitHub does: the list filters by state and label (and, like
// GitHub's, holds pull requests); a body over GitHub's 65,536 characters
// is refused. With dir/droplabels a new issue gets no label (GitHub drops
// labels the token may not set).
type issuesGH struct {
	dir string
	mu  sync.Mutex // one call at a time on issues.json
}

// serve answers the connections of stubIssuesGH on l until it is closed.
func (g *issuesGH) serve(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go g.answer(c)
	}
}

func (g *issuesGH) answer(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	line, err := r.ReadString('\n')
	n, aerr := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || aerr != nil || n < 2 {
		fmt.Fprintf(c, "1\nstub gh: a bad request %q\n", line)
		return
	}
	args := make([]string, n)
	for i := range args {
		a, err := r.ReadString(0)
		if err != nil {
			fmt.Fprintf(c, "1\nstub gh: a request cut short: %v\n", err)
			return
		}
		args[i] = strings.TrimSuffix(a, "\x00")
	}
	g.mu.Lock()
	out, err := g.api(args[0], args[1], args[2:])
	g.mu.Unlock()
	if err != nil {
		fmt.Fprintf(c, "1\n%v\n", err)
		return
	}
	fmt.Fprintf(c, "0\n%s\n", out)
}

// api is `gh args...` run in the directory cwd for repository repo; it
// returns what gh prints.
func (g *issuesGH) api(cwd, repo string, args []string) ([]byte, error) {
	unexpected := fmt.Errorf("stub gh: unexpected call: %s", strings.Join(args, " "))
	if len(args) == 0 || args[0] != "api" {
		return nil, unexpected
	}
	method, path, fields := "GET", "", map[string]any{}
	for i := 1; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--method" || a == "-f" || a == "-F":
			if i++; i == len(args) {
				return nil, fmt.Errorf("stub gh: %s without its value", a)
			}
			if a == "--method" {
				method = args[i]
				continue
			}
			k, v, ok := strings.Cut(args[i], "=")
			if !ok {
				v = k
			}
			if f, ok := strings.CutPrefix(v, "@"); a == "-F" && ok {
				if !filepath.IsAbs(f) {
					f = filepath.Join(cwd, f)
				}
				data, err := os.ReadFile(f)
				if err != nil {
					return nil, fmt.Errorf("stub gh: %v", err)
				}
				v = string(data)
			}
			if name, ok := strings.CutSuffix(k, "[]"); ok {
				list, ok := fields[name].([]any)
				if !ok && fields[name] != nil {
					return nil, fmt.Errorf("stub gh: %s is both a value and a list", name)
				}
				fields[name] = append(list, v)
			} else {
				fields[k] = v
			}
		case a == "--paginate":
		case strings.HasPrefix(a, "-"):
			return nil, fmt.Errorf("stub gh: unexpected flag %s", a)
		default:
			path = a
		}
	}
	if body, _ := fields["body"].(string); utf8.RuneCountInString(body) > 65536 {
		return nil, fmt.Errorf("gh: Validation Failed: body is too long (maximum is 65536 characters) (HTTP 422)")
	}
	db, err := g.load()
	if err != nil {
		return nil, err
	}
	// number is issue i's number, or -1.
	number := func(i map[string]any) int {
		n, ok := i["number"].(json.Number)
		v, err := strconv.Atoi(n.String())
		if !ok || err != nil {
			return -1
		}
		return v
	}
	// show is issue n as GitHub shows it: without the comments.
	show := func(n int) []byte {
		for _, i := range db {
			if number(i) == n {
				shown := maps.Clone(i)
				delete(shown, "comments")
				return encode(shown)
			}
		}
		return nil
	}
	issue := func(rest string) (map[string]any, int, error) {
		n, err := strconv.Atoi(rest)
		for _, i := range db {
			if err == nil && number(i) == n {
				return i, n, nil
			}
		}
		return nil, n, unexpected
	}
	R := "repos/" + repo
	switch {
	case method == "GET" && path == R+"/issues?state=open&labels="+driftLabel+"&per_page=100":
		list := []map[string]any{}
		for _, i := range db {
			labels, _ := i["labels"].([]any)
			if i["state"] != "open" || !slices.ContainsFunc(labels, func(l any) bool {
				m, _ := l.(map[string]any)
				return m["name"] == driftLabel
			}) {
				continue
			}
			shown := maps.Clone(i)
			delete(shown, "comments")
			list = append(list, shown)
		}
		return encode(list), nil
	case method == "POST" && path == R+"/issues":
		n := 1
		for _, i := range db {
			n = max(n, number(i)+1)
		}
		labels := []any{}
		if _, err := os.Stat(filepath.Join(g.dir, "droplabels")); err != nil {
			names, _ := fields["labels"].([]any)
			for _, l := range names {
				labels = append(labels, map[string]any{"name": l})
			}
		}
		db = append(db, map[string]any{"number": json.Number(strconv.Itoa(n)), "title": fields["title"], "body": fields["body"],
			"state": "open", "user": map[string]any{"login": "github-actions[bot]"}, "labels": labels, "comments": []any{}})
		return show(n), g.save(db)
	case method == "PATCH" && strings.HasPrefix(path, R+"/issues/"):
		i, n, err := issue(strings.TrimPrefix(path, R+"/issues/"))
		if err != nil {
			return nil, err
		}
		maps.Copy(i, fields)
		return show(n), g.save(db)
	case method == "POST" && strings.HasPrefix(path, R+"/issues/") && strings.HasSuffix(path, "/comments"):
		i, _, err := issue(strings.TrimSuffix(strings.TrimPrefix(path, R+"/issues/"), "/comments"))
		if err != nil {
			return nil, err
		}
		comments, _ := i["comments"].([]any)
		i["comments"] = append(comments, fields["body"])
		return []byte("{}"), g.save(db)
	}
	return nil, fmt.Errorf("stub gh: unexpected call: %s %s", method, path)
}

func (g *issuesGH) load() ([]map[string]any, error) {
	data, err := os.ReadFile(filepath.Join(g.dir, "issues.json"))
	if err != nil {
		return nil, fmt.Errorf("stub gh: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var db []map[string]any
	if err := dec.Decode(&db); err != nil {
		return nil, fmt.Errorf("stub gh: issues.json: %v", err)
	}
	return db, nil
}

func (g *issuesGH) save(db []map[string]any) error {
	return os.WriteFile(filepath.Join(g.dir, "issues.json"), encode(db), 0o644)
}

// encode is v as JSON, with <, > and & as they are (as jq and GitHub
// write them).
func encode(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

type ghIssue struct {
	Number      int    `json:"number"`
	Title       string `json:"title"`
	Body        string `json:"body"`
	State       string `json:"state"`
	StateReason string `json:"state_reason"`
	User        struct {
		Login string `json:"login"`
	} `json:"user"`
	Labels []struct {
		Name string `json:"name"`
	} `json:"labels"`
	PullRequest any      `json:"pull_request,omitempty"`
	Comments    []string `json:"comments"`
}

const (
	driftTitle = "workato-gitops: the workspaces differ from the manifests on main"
	driftLabel = "workato-gitops-drift"
	driftPlanA = "<!-- workato-gitops plan -->\n## workato-gitops plan\n\n**Plan: 0 to create, 1 to update, 0 to delete across 1 tenant.**\n\n" +
		"<details><summary>acme: 1 change</summary>\n\n```diff\n~   folder \"Sales\" will be updated\n```\n\n</details>\n"
	driftPlanB = "<!-- workato-gitops plan -->\n## workato-gitops plan\n\n**Plan: 1 to create, 0 to update, 0 to delete across 1 tenant.**\n\n" +
		"<details><summary>globex: 1 change</summary>\n\n```diff\n+   folder \"Ops\" will be created\n```\n\n</details>\n"
)

type driftWorld struct {
	t   *testing.T
	dir string
	env []string
}

// newDrift is the drift workflow's issue job in partner/workato-tenants,
// run 900 for commit merged, with the issues given (JSON objects).
func newDrift(t *testing.T, issues ...string) *driftWorld {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq is not installed")
	}
	d := &driftWorld{t: t, dir: t.TempDir()}
	d.write("gh", stubIssuesGH, 0o755)
	d.write("issues.json", "["+strings.Join(issues, ",")+"]", 0o644)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	t.Cleanup(func() { l.Close() })
	go (&issuesGH{dir: d.dir}).serve(l)
	addr := l.Addr().(*net.TCPAddr)
	d.env = append(os.Environ(), "PATH="+d.dir+":"+os.Getenv("PATH"), "STUB="+d.dir, "STUB_GH=127.0.0.1/"+strconv.Itoa(addr.Port), "GH_TOKEN=x", "GH_FAIL=",
		"GITHUB_REPOSITORY="+repo, "GITHUB_SERVER_URL=https://github.com", "GITHUB_RUN_ID=900", "GITHUB_SHA="+merged)
	return d
}

func (d *driftWorld) write(name, data string, mode os.FileMode) {
	d.t.Helper()
	must(d.t, os.WriteFile(filepath.Join(d.dir, name), []byte(data), mode))
}

// run runs drift-issue.sh CODE plan.md, with plan.md holding md (none
// when md is ""), and returns its exit code and output.
func (d *driftWorld) run(code, md string, env ...string) (int, string) {
	d.t.Helper()
	os.Remove(filepath.Join(d.dir, "plan.md"))
	if md != "" {
		d.write("plan.md", md, 0o644)
	}
	cmd := exec.Command(script(d.t, "drift-issue.sh"), code, "plan.md")
	cmd.Dir = d.dir
	cmd.Env = append(d.env, env...)
	b, err := cmd.CombinedOutput()
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			d.t.Fatalf("drift-issue.sh: %v", err)
		}
		return ee.ExitCode(), string(b)
	}
	return 0, string(b)
}

func (d *driftWorld) issues() []ghIssue {
	d.t.Helper()
	data, err := os.ReadFile(filepath.Join(d.dir, "issues.json"))
	must(d.t, err)
	var is []ghIssue
	if err := json.Unmarshal(data, &is); err != nil {
		d.t.Fatalf("issues.json: %v\n%s", err, data)
	}
	return is
}

func (d *driftWorld) open() []ghIssue {
	var out []ghIssue
	for _, i := range d.issues() {
		if i.State == "open" {
			out = append(out, i)
		}
	}
	return out
}

func (d *driftWorld) calls() string {
	b, _ := os.ReadFile(filepath.Join(d.dir, "calls.log"))
	return string(b)
}

const runURL = "https://github.com/" + repo + "/actions/runs/"

// TestDriftIssueLifecycle: the first drift opens one issue with the
// plan; later drift edits that issue (a comment only when the drift is
// not the same as before); a run without drift closes it with a comment;
// a run without drift and without an issue touches nothing.
func TestDriftIssueLifecycle(t *testing.T) {
	t.Parallel()
	d := newDrift(t)

	code, out := d.run("0", "")
	if code != 0 || len(d.issues()) != 0 || strings.Contains(d.calls(), "--method") || !strings.Contains(out, "no drift, and no drift issue is open: nothing to do") {
		t.Fatalf("no drift, no issue: exit %d, issues %v, calls:\n%s\n%s", code, d.issues(), d.calls(), out)
	}

	code, out = d.run("2", driftPlanA)
	open := d.open()
	if code != 0 || len(open) != 1 {
		t.Fatalf("first drift: exit %d, open issues %v:\n%s", code, open, out)
	}
	first := open[0]
	if first.Title != driftTitle || len(first.Labels) != 1 || first.Labels[0].Name != driftLabel || len(first.Comments) != 0 {
		t.Errorf("first drift opened %+v", first)
	}
	for _, want := range []string{"<!-- workato-gitops drift -->\n", driftPlanA, "[run 900](" + runURL + "900)", merged[:12], "reconcile all"} {
		if !strings.Contains(first.Body, want) {
			t.Errorf("the issue body lacks %q:\n%s", want, first.Body)
		}
	}
	if !strings.HasPrefix(first.Body, "<!-- workato-gitops drift -->\n") || strings.Contains(first.Body, "was cut") {
		t.Errorf("the issue body:\n%s", first.Body)
	}

	code, out = d.run("2", driftPlanA, "GITHUB_RUN_ID=901")
	open = d.open()
	if code != 0 || len(d.issues()) != 1 || len(open) != 1 || open[0].Number != first.Number {
		t.Fatalf("the same drift again: exit %d, issues %+v:\n%s", code, d.issues(), out)
	}
	if !strings.Contains(open[0].Body, runURL+"901") || strings.Contains(open[0].Body, runURL+"900") || len(open[0].Comments) != 0 {
		t.Errorf("the same drift again: body (it names the latest run only) and comments %q:\n%s", open[0].Comments, open[0].Body)
	}

	code, out = d.run("2", driftPlanB, "GITHUB_RUN_ID=902")
	open = d.open()
	if code != 0 || len(d.issues()) != 1 || len(open) != 1 || open[0].Number != first.Number {
		t.Fatalf("other drift: exit %d, issues %+v:\n%s", code, d.issues(), out)
	}
	if !strings.Contains(open[0].Body, driftPlanB) || strings.Contains(open[0].Body, driftPlanA) {
		t.Errorf("other drift: the body does not show the plan now:\n%s", open[0].Body)
	}
	if len(open[0].Comments) != 1 || !strings.Contains(open[0].Comments[0], "The drift changed") || !strings.Contains(open[0].Comments[0], runURL+"902") {
		t.Errorf("other drift: comments %q, want one saying the drift changed", open[0].Comments)
	}

	code, out = d.run("0", "", "GITHUB_RUN_ID=903")
	is := d.issues()
	if code != 0 || len(is) != 1 || is[0].State != "closed" || is[0].StateReason != "completed" {
		t.Fatalf("no drift: exit %d, issues %+v:\n%s", code, is, out)
	}
	if c := is[0].Comments; len(c) != 2 || !strings.Contains(c[1], "No drift") || !strings.Contains(c[1], runURL+"903") {
		t.Errorf("no drift: comments %q, want a last one saying there is no drift, with the run", c)
	}

	// Drift that comes back later is a new issue; the closed one stays closed.
	if code, out = d.run("2", driftPlanA, "GITHUB_RUN_ID=904"); code != 0 || len(d.open()) != 1 || d.open()[0].Number == first.Number {
		t.Errorf("drift after the issue was closed: exit %d, issues %+v:\n%s", code, d.issues(), out)
	}
}

// TestDriftIssueIsOnlyOurs: the issue is the Actions bot's open issue
// with the label and the marker; a person's issue with the same label
// and text, a pull request with the label and a closed drift issue are
// never edited, closed or taken for it.
func TestDriftIssueIsOnlyOurs(t *testing.T) {
	t.Parallel()
	others := []string{
		`{"number": 1, "title": "` + driftTitle + `", "body": "<!-- workato-gitops drift -->\nby hand", "state": "open", "user": {"login": "mallory"}, "labels": [{"name": "` + driftLabel + `"}], "comments": []}`,
		`{"number": 2, "title": "fix", "body": "<!-- workato-gitops drift -->\n", "state": "open", "user": {"login": "github-actions[bot]"}, "labels": [{"name": "` + driftLabel + `"}], "pull_request": {}, "comments": []}`,
		`{"number": 3, "title": "` + driftTitle + `", "body": "<!-- workato-gitops drift -->\nold", "state": "closed", "user": {"login": "github-actions[bot]"}, "labels": [{"name": "` + driftLabel + `"}], "comments": []}`,
		`{"number": 4, "title": "` + driftTitle + `", "body": "no marker", "state": "open", "user": {"login": "github-actions[bot]"}, "labels": [{"name": "` + driftLabel + `"}], "comments": []}`,
	}
	d := newDrift(t, others...)
	before := d.issues()
	if code, out := d.run("0", ""); code != 0 || strings.Contains(d.calls(), "--method") {
		t.Fatalf("no drift: exit %d, calls:\n%s\n%s", code, d.calls(), out)
	}
	if code, out := d.run("2", driftPlanA); code != 0 {
		t.Fatalf("drift: exit %d:\n%s", code, out)
	}
	after := d.issues()
	if len(after) != len(before)+1 || after[len(after)-1].Number != 5 {
		t.Fatalf("drift did not open its own issue: %+v", after)
	}
	for i := range before {
		b, _ := json.Marshal(before[i])
		a, _ := json.Marshal(after[i])
		if string(a) != string(b) {
			t.Errorf("issue #%d changed:\n%s\nwas\n%s", before[i].Number, a, b)
		}
	}
}

// TestDriftIssueOtherCodes: a plan that failed (1) or that a guard
// blocked (3) neither shows nor rules out drift: the issue stays as it is
// (the drift job fails on its own). A code that is not a number, or
// drift without its plan, fails.
func TestDriftIssueOtherCodes(t *testing.T) {
	t.Parallel()
	d := newDrift(t)
	if code, out := d.run("2", driftPlanA); code != 0 {
		t.Fatalf("drift: exit %d:\n%s", code, out)
	}
	was := d.issues()
	for _, c := range []string{"1", "3"} {
		code, out := d.run(c, driftPlanB)
		if code != 0 || !strings.Contains(out, "the drift issue is left as it is") {
			t.Errorf("code %s: exit %d:\n%s", c, code, out)
		}
		if got := d.issues(); len(got) != 1 || got[0].Body != was[0].Body || got[0].State != "open" || len(got[0].Comments) != 0 {
			t.Errorf("code %s changed the issue: %+v", c, got)
		}
	}
	for _, tc := range []struct{ code, md, want string }{
		{"", "", "usage: drift-issue.sh CODE [PLAN.md]"},
		{"two", driftPlanA, `the plan's exit code "two" is not a number`},
		{"2", "", "drift, but plan.md is missing or empty"},
	} {
		if code, out := d.run(tc.code, tc.md); code == 0 || !strings.Contains(out, tc.want) {
			t.Errorf("drift-issue.sh %q: exit %d, want a failure with %q:\n%s", tc.code, code, tc.want, out)
		}
	}
}

// TestDriftIssueFailsLoudly: any gh failure fails the step with an
// error annotation, and so the job; so does a new issue that came back
// without its label (the next run would not find it, and would open
// another).
func TestDriftIssueFailsLoudly(t *testing.T) {
	t.Parallel()
	// The issues after a first drift with plan A, and with plan B: made
	// once by the script, for the cases that start from an open issue.
	opened := map[string]string{}
	for _, md := range []string{driftPlanA, driftPlanB} {
		d := newDrift(t)
		if code, out := d.run("2", md); code != 0 || len(d.open()) != 1 {
			t.Fatalf("the first drift: exit %d, issues %+v:\n%s", code, d.issues(), out)
		}
		data, err := os.ReadFile(filepath.Join(d.dir, "issues.json"))
		must(t, err)
		opened[md] = string(data)
	}
	openedWith := func(md string) func(d *driftWorld) {
		return func(d *driftWorld) { d.write("issues.json", opened[md], 0o644) }
	}
	for _, tc := range []struct {
		name  string
		setup func(d *driftWorld)
		code  string
		fail  string
	}{
		{"listing the issues", nil, "2", "state=open"},
		{"listing the issues, no drift", nil, "0", "state=open"},
		{"opening the issue", nil, "2", "--method POST"},
		{"editing the issue", openedWith(driftPlanA), "2", "--method PATCH"},
		{"commenting that the drift changed", openedWith(driftPlanB), "2", "/comments"},
		{"commenting that the drift is gone", openedWith(driftPlanA), "0", "/comments"},
		{"closing the issue", openedWith(driftPlanA), "0", "state=closed"},
		{"a new issue without its label", func(d *driftWorld) { d.write("droplabels", "", 0o644) }, "2", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newDrift(t)
			if tc.setup != nil {
				tc.setup(d)
			}
			code, out := d.run(tc.code, driftPlanA, "GH_FAIL="+tc.fail)
			if code == 0 || !strings.Contains(out, "::error title=drift issue::") {
				t.Errorf("exit %d, want a failure with an error annotation:\n%s", code, out)
			}
		})
	}
}

// TestDriftIssueTruncatesAHugePlan: a plan over GitHub's limit for an
// issue body is cut at a line, its open code block and details closed,
// with a note that links to the run, and the body stays valid UTF-8
// within 65,536 characters.
func TestDriftIssueTruncatesAHugePlan(t *testing.T) {
	t.Parallel()
	d := newDrift(t)
	var b strings.Builder
	b.WriteString("<!-- workato-gitops plan -->\n## workato-gitops plan\n\n<details><summary>acme: 9000 changes</summary>\n\n```diff\n")
	for i := 0; b.Len() < 300_000; i++ {
		b.WriteString("+   connection \"Équipe/Ünïcödé 🚀 connection\" will be created: not in the workspace\n")
	}
	b.WriteString("```\n\n</details>\n")
	huge := b.String()
	code, out := d.run("2", huge)
	open := d.open()
	if code != 0 || len(open) != 1 {
		t.Fatalf("exit %d, open %d:\n%.2000s", code, len(open), out)
	}
	body := open[0].Body
	if n := utf8.RuneCountInString(body); n > 65536 || !utf8.ValidString(body) {
		t.Fatalf("the body has %d characters (valid UTF-8: %v)", n, utf8.ValidString(body))
	}
	for _, want := range []string{
		"<!-- workato-gitops drift -->\n",
		"<details><summary>acme: 9000 changes</summary>\n\n```diff\n+   connection",
		"will be created: not in the workspace\n```\n</details>\n",
		"The plan was cut here to fit GitHub's limit of 65,536 characters for an issue body",
		"[run 900](" + runURL + "900)",
		"`workato-gitops-drift` artifact",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the body lacks %q:\n%s", want, body[len(body)-1500:])
		}
	}
	if len(body) < 55_000 {
		t.Errorf("the body keeps only %d bytes of the plan", len(body))
	}
}

// TestDriftWorkflowOpensTheIssue: the drift job plans with the read-only
// token and nothing that decrypts, and keeps the plan's exit code and
// Markdown; a job of its own, the only one that may write issues and
// holding no secret, runs drift-issue.sh with them after every run of
// main that got as far as planning (drift fails the drift job).
func TestDriftWorkflowOpensTheIssue(t *testing.T) {
	t.Parallel()
	w := readWorkflow(t, "workato-gitops-drift.yml")
	data, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", "workato-gitops-drift.yml"))
	must(t, err)
	if len(w.Permissions) != 1 || w.Permissions["contents"] != "read" {
		t.Errorf("drift: the workflow's permissions are %v, want contents: read only", w.Permissions)
	}
	for _, m := range regexp.MustCompile(`secrets\.[A-Za-z0-9_]+`).FindAllString(string(data), -1) {
		if m != "secrets.WORKATO_API_TOKEN_READONLY" {
			t.Errorf("drift: the workflow reads %s; it may read the read-only API token only", m)
		}
	}
	for name, j := range w.Jobs {
		if j.Environment != nil {
			t.Errorf("drift: job %s runs in environment %v, whose secrets (the SOPS key) it does not need", name, j.Environment)
		}
		for _, s := range j.Steps {
			for k := range s.Env {
				if strings.HasPrefix(k, "SOPS_") {
					t.Errorf("drift: %s's step %q sets %s", name, s.Name, k)
				}
			}
		}
		if name != "issue" && j.Permissions != nil {
			t.Errorf("drift: job %s has permissions %v; only the issue job has more than the workflow's", name, j.Permissions)
		}
	}

	dj := w.Jobs["drift"]
	plan := stepRunning(t, "drift", dj, "workato-gitops plan --detailed-exitcode")
	if dj.Outputs["code"] != "${{ steps.plan.outputs.code }}" || !strings.Contains(plan.Run, `echo "code=$code" >> "$GITHUB_OUTPUT"`) {
		t.Errorf("drift: the job does not hand on the plan's exit code: %v", dj.Outputs)
	}
	if !strings.Contains(plan.Run, "--out plan.json") ||
		!strings.Contains(plan.Run, `GITHUB_STEP_SUMMARY='' workato-gitops plan --refresh=false --live plan.json --format markdown "$MANIFESTS" > plan.md`) {
		t.Errorf("drift: the plan step does not render the Markdown of the plan it made:\n%s", plan.Run)
	}
	uploaded := false
	for _, s := range dj.Steps {
		uploaded = uploaded || strings.HasPrefix(s.Uses, "actions/upload-artifact@") && s.With["name"] == "workato-gitops-drift" &&
			strings.Contains(s.With["path"], "plan.md") && strings.HasPrefix(s.If, "always()")
	}
	if !uploaded {
		t.Errorf("drift: plan.md is not uploaded as workato-gitops-drift whatever the plan's exit code")
	}

	ij := w.Jobs["issue"]
	if ij == nil {
		t.Fatal("drift: no issue job")
	}
	if needList(ij.Needs)[0] != "drift" || len(needList(ij.Needs)) != 1 || ij.If != "${{ !cancelled() && github.ref == 'refs/heads/main' && needs.drift.outputs.code != '' }}" {
		t.Errorf("drift: the issue job needs %v and runs if %q, want after the drift job whenever it planned main", ij.Needs, ij.If)
	}
	if len(ij.Permissions) != 2 || ij.Permissions["contents"] != "read" || ij.Permissions["issues"] != "write" {
		t.Errorf("drift: the issue job's permissions are %v, want contents: read and issues: write", ij.Permissions)
	}
	if ij.Timeout == 0 || ij.Timeout > 15 {
		t.Errorf("drift: the issue job's timeout-minutes is %d, want a few minutes", ij.Timeout)
	}
	s := stepRunning(t, "issue", ij, ".github/scripts/drift-issue.sh")
	if strings.TrimSpace(s.Run) != `.github/scripts/drift-issue.sh "$CODE" drift/plan.md` || s.Env["CODE"] != "${{ needs.drift.outputs.code }}" ||
		s.Env["GH_TOKEN"] != "${{ github.token }}" || len(s.Env) != 2 {
		t.Errorf("drift: the issue step runs %q with %v", s.Run, s.Env)
	}
	downloaded := false
	for _, st := range ij.Steps {
		downloaded = downloaded || strings.HasPrefix(st.Uses, "actions/download-artifact@") && st.With["name"] == "workato-gitops-drift" &&
			st.With["path"] == "drift" && st.If == "needs.drift.outputs.code == '2'"
		if strings.HasPrefix(st.Uses, "actions/checkout@") && st.With["persist-credentials"] != "false" {
			t.Errorf("drift: the issue job's checkout keeps the token in the workspace")
		}
	}
	if !downloaded {
		t.Errorf("drift: the issue job does not download the plan into drift/ when there is drift")
	}
}
