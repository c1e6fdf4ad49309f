-- tactful: empathy linter for customer-service replies. Configures the `tactful lsp --stdio`
-- client (Neovim 0.11 `vim.lsp.enable`, or `setup()` on 0.10) and the :Tactful* commands.
local M = {}

--- Filetypes tactful attaches to. JSON/YAML only for macro exports, TOML only for tactful.toml.
M.filetypes = { 'text', 'markdown', 'html', 'handlebars', 'mustache', 'liquid', 'json', 'yaml', 'toml' }
M.root_markers = { 'tactful.toml', '.tactful.toml', '.git' }

local prose = { text = true, markdown = true, html = true, handlebars = true, mustache = true, liquid = true }
--- Lua patterns (on the full path) of help-desk macro exports linted by tactful.
M.macro_patterns = { 'macro[^/]*%.json$', 'macro[^/]*%.ya?ml$', '/macros/.+%.json$', '/macros/.+%.ya?ml$' }

--- Whether tactful should lint this buffer.
function M.wants(bufnr)
  local ft = vim.bo[bufnr].filetype
  if prose[ft] then
    return true
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if ft == 'json' or ft == 'yaml' then
    for _, pat in ipairs(M.macro_patterns) do
      if name:find(pat) then
        return true
      end
    end
  elseif ft == 'toml' then
    return name:find('/%.?tactful%.toml$') ~= nil
  end
  return false
end

local function root_of(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local root = vim.fs.root(bufnr, M.root_markers)
  if root then
    return root
  end
  return name ~= '' and vim.fs.dirname(name) or vim.fn.getcwd()
end

--- The client config, for `vim.lsp.config` (0.11) or `vim.lsp.start` (0.10).
--- opts: { cmd = {...}, settings = { severity = {...}, packs = {...}, allow = {...}, kinds = {...} } }
function M.lsp_config(opts)
  opts = opts or {}
  local settings = opts.settings or {}
  return {
    cmd = opts.cmd or { 'tactful', 'lsp', '--stdio' },
    filetypes = opts.filetypes or M.filetypes,
    -- 0.11 calls this per buffer; not calling on_dir leaves the buffer alone.
    root_dir = function(bufnr, on_dir)
      if M.wants(bufnr) then
        on_dir(root_of(bufnr))
      end
    end,
    settings = { tactful = settings },
    init_options = settings,
  }
end

local function client_for(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = 'tactful' })[1]
end

local function notify(msg, level)
  vim.notify('tactful: ' .. msg, level or vim.log.levels.INFO)
end

local has_011 = vim.fn.has('nvim-0.11') == 1

local function request(client, method, params, handler, bufnr)
  if has_011 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function run_action(client, action, bufnr)
  if action.edit then
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  end
  local cmd = action.command
  if type(cmd) == 'table' then
    request(client, 'workspace/executeCommand', cmd, function() end, bufnr)
  end
end

--- Applies the server's `source.fixAll.tactful` action (every preferred rewrite) to a buffer.
--- `on_done(applied)` is called afterwards (applied = false when there was nothing to fix).
function M.fix_all(bufnr, on_done)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  on_done = on_done or function() end
  local client = client_for(bufnr)
  if not client then
    notify('no tactful client attached to this buffer', vim.log.levels.WARN)
    return on_done(false)
  end
  local last = math.max(vim.api.nvim_buf_line_count(bufnr) - 1, 0)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = last, character = 0 } },
    context = { only = { 'source.fixAll.tactful' }, diagnostics = {} },
  }
  request(client, 'textDocument/codeAction', params, function(err, actions)
    if err then
      notify('fix all failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return on_done(false)
    end
    local action
    for _, a in ipairs(actions or {}) do
      if a.kind and vim.startswith(a.kind, 'source.fixAll') then
        action = a
        break
      end
    end
    if not action then
      notify('nothing to fix')
      return on_done(false)
    end
    if not action.edit and not action.command then
      request(client, 'codeAction/resolve', action, function(rerr, resolved)
        if rerr or not resolved then
          notify('could not resolve the fix-all action', vim.log.levels.ERROR)
          return on_done(false)
        end
        run_action(client, resolved, bufnr)
        on_done(true)
      end, bufnr)
      return
    end
    run_action(client, action, bufnr)
    on_done(true)
  end, bufnr)
end

local function diagnostics(bufnr)
  return vim.diagnostic.get(bufnr, { namespace = nil })
end

--- Rule ids of tactful diagnostics in the buffer; those under the cursor first.
function M.rules_in_buffer(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  local here, all, seen = {}, {}, {}
  for _, d in ipairs(diagnostics(bufnr)) do
    if d.source == 'tactful' and d.code then
      local id = tostring(d.code)
      local under = d.lnum == row - 1 and d.col <= col and col < math.max(d.end_col or d.col, d.col + 1)
      if under then
        table.insert(here, id)
      end
      if not seen[id] then
        seen[id] = true
        table.insert(all, id)
      end
    end
  end
  table.sort(all)
  return here, all
end

local function show_explanation(id, text)
  vim.cmd('botright new')
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  pcall(vim.api.nvim_buf_set_name, buf, 'tactful://explain/' .. id)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(text, '\n', { trimempty = true }))
  vim.bo[buf].modifiable = false
  vim.bo[buf].filetype = 'text'
  vim.keymap.set('n', 'q', '<cmd>close<cr>', { buffer = buf, nowait = true, desc = 'Close' })
end

--- Shows `tactful rules explain ID` in a scratch window. Without an id: the rule under the
--- cursor, else a choice among the buffer's rules.
function M.explain(id)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_for(bufnr)
  local exe = (client and client.config.cmd and type(client.config.cmd) == 'table' and client.config.cmd[1]) or 'tactful'
  local function go(rule)
    if not rule or rule == '' then
      return
    end
    vim.system({ exe, 'rules', 'explain', rule }, { text = true }, vim.schedule_wrap(function(r)
      if r.code ~= 0 then
        notify(('explain %s failed: %s'):format(rule, vim.trim(r.stderr or '')), vim.log.levels.ERROR)
        return
      end
      show_explanation(rule, r.stdout)
    end))
  end
  if id and id ~= '' then
    return go(id)
  end
  local here, all = M.rules_in_buffer(bufnr)
  if #here > 0 then
    return go(here[1])
  end
  if #all == 0 then
    return vim.ui.input({ prompt = 'tactful rule id: ' }, go)
  end
  vim.ui.select(all, { prompt = 'Explain tactful rule' }, go)
end

--- Suggested buffer-local keymaps, set on attach by `setup{ keymaps = true }`.
M.default_keymaps = {
  { 'n', '<localleader>tf', '<cmd>TactfulFixAll<cr>', 'tactful: fix all in buffer' },
  { 'n', '<localleader>te', '<cmd>TactfulExplain<cr>', 'tactful: explain rule under cursor' },
}

local function set_keymaps(bufnr, maps)
  for _, m in ipairs(maps) do
    vim.keymap.set(m[1], m[2], m[3], { buffer = bufnr, desc = m[4], silent = true })
  end
end

--- Configures and enables the client. Works on 0.10 (FileType autocmd + vim.lsp.start) and
--- 0.11+ (vim.lsp.config + vim.lsp.enable).
--- opts: { cmd, settings, filetypes, keymaps = true | { {mode, lhs, rhs, desc}, ... },
---         use_enable = false (start clients from a FileType autocmd, as on 0.10, even on 0.11) }
function M.setup(opts)
  opts = opts or {}
  local config = M.lsp_config(opts)
  local group = vim.api.nvim_create_augroup('tactful', { clear = true })
  if opts.keymaps then
    local maps = opts.keymaps == true and M.default_keymaps or opts.keymaps
    vim.api.nvim_create_autocmd('LspAttach', {
      group = group,
      callback = function(ev)
        local client = vim.lsp.get_client_by_id(ev.data.client_id)
        if client and client.name == 'tactful' then
          set_keymaps(ev.buf, maps)
        end
      end,
    })
  end
  if has_011 and vim.lsp.config and vim.lsp.enable and opts.use_enable ~= false then
    vim.lsp.config('tactful', config)
    vim.lsp.enable('tactful')
    return
  end
  local function start(bufnr)
    if not M.wants(bufnr) then
      return
    end
    local c = vim.tbl_extend('force', config, { name = 'tactful', root_dir = root_of(bufnr) })
    vim.lsp.start(c, { bufnr = bufnr })
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(ev)
      start(ev.buf)
    end,
  })
  -- Buffers already open when setup() runs.
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) and vim.tbl_contains(config.filetypes, vim.bo[b].filetype) then
      start(b)
    end
  end
end

return M
