// Lint: typescript-eslint's recommended type-aware rules, React hooks, import order.
// Formatting is Prettier's job (eslint-config-prettier turns off the rules it owns).
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import importX from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", "public/build/", "node_modules/", ".cache/", "db/migrations/", "test/bench/profiles/", ".stryker-tmp/", "reports/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks, "import-x": importX },
    settings: { "import-x/internal-regex": "^~/" },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "import-x/order": [
        "error",
        {
          groups: ["builtin", "external", "internal", "parent", "sibling", "index", "type"],
          "newlines-between": "never",
          alphabetize: { order: "asc", caseInsensitive: true },
        },
      ],
      "import-x/no-duplicates": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      // Control characters in our regexes are there on purpose: each one refuses or strips them
      // from untrusted text (redirect paths, filenames, feed XML, form fields).
      "no-control-regex": "off",
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["../../*"], message: "Import from the repository root with the ~/ alias (e.g. ~/app/models/…) instead of ../../." }] },
      ],
    },
  },
  prettier,
);
