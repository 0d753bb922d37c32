// Command gen-sdk writes the Python and Node.js SDKs of a Pulumi package schema, the way
// `pulumi package gen-sdk <schema> --language python|nodejs` does, without the language plugins.
//
// Why it exists: `pulumi package gen-sdk` asks the language host (pulumi-language-python,
// pulumi-language-nodejs) to generate code, and the Go modules of those hosts are not served by the
// module proxy this project reaches (tools/README.md). The generators themselves live in pkg/v3
// (codegen/python, codegen/nodejs), which is served and already pinned by this module, so this
// command binds the schema with codegen/schema and calls each generator directly: the same code the
// real hosts run, at the CLI's version.
//
// Usage: gen-sdk <schema.json> <out dir> [language...]   (languages: python, nodejs; default both)
// Each language's SDK replaces <out dir>/<language>.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noExternalPackages is the schema loader: our schema references only its own types, so a reference
// to another package is an error to report, not a plugin to download. It implements the V2 methods
// the binder and generators call; the deprecated V1 methods come from the embedded nil interface and
// are never reached (implementing them would import github.com/blang/semver directly and change
// go.mod, which keys the CLI build cache).
type noExternalPackages struct{ schema.ReferenceLoader }

func (noExternalPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema references package %q; gen-sdk resolves only the schema's own types", d.Name)
}

func (l noExternalPackages) LoadPackageReferenceV2(ctx context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	_, err := l.LoadPackageV2(ctx, d)
	return nil, err
}

// generate runs one language's generator on a freshly bound package (the generators record
// language info on the package, so each gets its own).
func generate(spec schema.PackageSpec, language string) (map[string][]byte, error) {
	pkg, diags, err := schema.BindSpec(spec, noExternalPackages{}, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, diags
	}
	// The tool names are the real hosts', so the generated headers read as `pulumi package gen-sdk`'s.
	switch language {
	case "python":
		return python.GeneratePackage("pulumi-language-python", pkg, nil, noExternalPackages{})
	case "nodejs":
		return nodejs.GeneratePackage("pulumi-language-nodejs", pkg, nil, nil, false, noExternalPackages{})
	}
	return nil, fmt.Errorf("unknown language %q (python, nodejs)", language)
}

func run(args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: gen-sdk <schema.json> <out dir> [python] [nodejs]")
	}
	raw, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	languages := args[2:]
	if len(languages) == 0 {
		languages = []string{"python", "nodejs"}
	}
	for _, language := range languages {
		files, err := generate(spec, language)
		if err != nil {
			return fmt.Errorf("%s SDK: %w", language, err)
		}
		// As gen-sdk: the language folder is replaced, never merged with a previous generation.
		dir := filepath.Join(args[1], language)
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		for name, content := range files {
			path := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, content, 0o644); err != nil {
				return err
			}
		}
		fmt.Printf("%s: %d files in %s\n", language, len(files), dir)
	}
	return nil
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "gen-sdk: %v\n", err)
		os.Exit(1)
	}
}
