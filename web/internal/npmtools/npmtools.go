// Package npmtools installs the pinned npm packages that some tests use
// (the TypeScript compiler, bundlers, axe-core…) into one folder of the
// module, dist/npm-tools, once. npm is needed only to run those tests:
// building and using the library never needs it.
package npmtools

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// The packages, pinned exactly.
const (
	TypeScript = "typescript@5.9.3"
	// The bundlers the package dist/ is tested with (web/bundler_e2e_test.go).
	// Vite 8 needs Node.js ^20.19 or >= 22.12.
	ESBuild = "esbuild@0.28.2"
	Vite    = "vite@8.3.8"
	// The reference MFM parser web/js/mfm.js is tested against
	// (web/mfm_test.go); it brings @misskey-dev/emoji-data, whose emoji
	// regex mfm.js's generated pattern is made from.
	MFMJS = "mfm-js@0.26.0"
	// The accessibility checker the demo's screens are held to
	// (web/client_e2e_test.go): axe.min.js is run in the page.
	AxeCore = "axe-core@4.14.1"
)

var mu sync.Mutex

// Install makes sure the packages are installed and returns the folder
// that holds their node_modules. Without npm it fails, saying what to
// install.
func Install(pkgs ...string) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "dist", "npm-tools")
	var missing []string
	for _, p := range pkgs {
		name, version, _ := strings.Cut(strings.TrimPrefix(p, "@"), "@")
		if strings.HasPrefix(p, "@") {
			name = "@" + name
		}
		b, err := os.ReadFile(filepath.Join(dir, "node_modules", name, "package.json"))
		if err != nil || !strings.Contains(string(b), `"version": "`+version+`"`) {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return dir, nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", fmt.Errorf("npm is not installed (apt-get install -y npm): it installs the pinned test tools %v", missing)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(dir, "package.json")); err != nil {
		if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name":"misskey-wasm-npm-tools","private":true}`+"\n"), 0o644); err != nil {
			return "", err
		}
	}
	args := append([]string{"install", "--prefix", dir, "--save-exact", "--no-audit", "--no-fund", "--loglevel=error"}, missing...)
	cmd := exec.Command(npm, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm install %v: %v\n%s", missing, err, out)
	}
	return dir, nil
}

// Bin is the path of an installed package's command.
func Bin(dir, name string) string { return filepath.Join(dir, "node_modules", ".bin", name) }

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the module")
	}
	return filepath.Dir(mod), nil
}
