-- tactful plugin entry: filetype detection for reply templates and the :Tactful* commands.
-- The LSP client itself is enabled by `vim.lsp.enable('tactful')` (0.11) or `require('tactful').setup{}`.
if vim.g.loaded_tactful then
  return
end
vim.g.loaded_tactful = true
if vim.fn.has('nvim-0.10') ~= 1 then
  vim.notify('tactful needs Neovim 0.10 or newer', vim.log.levels.WARN)
  return
end

vim.filetype.add({
  extension = {
    liquid = 'liquid',
    mustache = 'mustache',
    hbs = 'handlebars',
    handlebars = 'handlebars',
    reply = 'text',
    macro = 'text',
  },
  filename = {
    ['tactful.toml'] = 'toml',
    ['.tactful.toml'] = 'toml',
  },
})

vim.api.nvim_create_user_command('TactfulFixAll', function()
  require('tactful').fix_all(0)
end, { desc = 'tactful: apply every preferred rewrite in this buffer' })

vim.api.nvim_create_user_command('TactfulExplain', function(args)
  require('tactful').explain(args.args)
end, {
  nargs = '?',
  desc = 'tactful: explain a rule (default: the one under the cursor)',
  complete = function()
    local _, all = require('tactful').rules_in_buffer(0)
    return all
  end,
})
