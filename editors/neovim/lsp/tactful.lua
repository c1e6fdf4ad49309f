-- tactful for Neovim 0.11+: `vim.lsp.enable('tactful')` reads this file from the runtimepath.
-- Override any field with `vim.lsp.config('tactful', { ... })` (e.g. `cmd`, `settings`).
return require('tactful').lsp_config()
