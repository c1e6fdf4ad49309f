-- Driven by tests/e2e_neovim.rs inside headless Neovim (the user's init.lua already ran):
-- waits for tactful to attach and publish diagnostics, applies the preferred quick fix for the
-- E2E_RULE_PREFIX finding the way `vim.lsp.buf.code_action` does (E2E_MODE=quickfix) or runs
-- :TactfulFixAll (E2E_MODE=fixall), writes the buffer, waits for the diagnostic to go, and
-- writes what it saw as JSON to E2E_RESULT. Every wait is a bounded vim.wait on a condition.
local result = { steps = {} }
local timeout = tonumber(os.getenv('E2E_TIMEOUT_MS') or '20000')
local prefix = os.getenv('E2E_RULE_PREFIX') or 'blame-customer'
local mode = os.getenv('E2E_MODE') or 'quickfix'

local function step(s)
  table.insert(result.steps, s)
end

local function finish()
  local f = assert(io.open(os.getenv('E2E_RESULT'), 'w'))
  f:write(vim.json.encode(result))
  f:close()
  vim.cmd(result.ok and 'qall!' or 'cquit! 1')
end

local function tactful_diags(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.source == 'tactful' then
      table.insert(out, { code = tostring(d.code), lnum = d.lnum, col = d.col, end_col = d.end_col, message = d.message, lsp = d.user_data and d.user_data.lsp })
    end
  end
  return out
end

local ok, err = pcall(function()
  local buf = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[buf].filetype
  step('filetype=' .. result.filetype)
  assert(vim.wait(timeout, function()
    return #vim.lsp.get_clients({ bufnr = buf, name = 'tactful' }) > 0
  end, 10), 'tactful never attached to the buffer (filetype ' .. result.filetype .. ')')
  local client = vim.lsp.get_clients({ bufnr = buf, name = 'tactful' })[1]
  result.offset_encoding = client.offset_encoding
  result.fixall_keymap = vim.fn.maparg('<localleader>tf', 'n')
  step('attached, offset encoding ' .. client.offset_encoding)

  local target
  assert(vim.wait(timeout, function()
    for _, d in ipairs(tactful_diags(buf)) do
      if vim.startswith(d.code, prefix) then
        target = d
        return true
      end
    end
    return false
  end, 10), 'no ' .. prefix .. ' diagnostic arrived; got ' .. vim.inspect(tactful_diags(buf)))
  result.before = tactful_diags(buf)
  result.target = target
  step('diagnostic ' .. target.code .. ' at ' .. target.lnum .. ':' .. target.col)
  local original = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')

  if mode == 'fixall' then
    local done = false
    vim.cmd('TactfulFixAll')
    -- :TactfulFixAll is asynchronous; the buffer changing is the condition.
    done = vim.wait(timeout, function()
      return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n') ~= original
    end, 10)
    assert(done, ':TactfulFixAll changed nothing')
  else
    vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
    -- :TactfulExplain (no argument) explains the rule under the cursor in a scratch window.
    local reply_win = vim.api.nvim_get_current_win()
    vim.cmd('TactfulExplain')
    local explain_buf
    assert(vim.wait(timeout, function()
      for _, b in ipairs(vim.api.nvim_list_bufs()) do
        if vim.api.nvim_buf_get_name(b):find('tactful://explain/', 1, true) then
          explain_buf = b
          return true
        end
      end
      return false
    end, 10), ':TactfulExplain opened no window')
    result.explain_name = vim.api.nvim_buf_get_name(explain_buf)
    result.explain = table.concat(vim.api.nvim_buf_get_lines(explain_buf, 0, -1, false), '\n')
    vim.api.nvim_win_close(vim.fn.bufwinid(explain_buf), true)
    vim.api.nvim_set_current_win(reply_win)
    step('explained')
    local offered = {}
    vim.lsp.buf.code_action({
      context = { only = { 'quickfix' }, diagnostics = { target.lsp } },
      filter = function(action)
        table.insert(offered, { title = action.title, preferred = action.isPreferred == true })
        return action.isPreferred == true
      end,
      apply = true,
    })
    assert(vim.wait(timeout, function()
      return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n') ~= original
    end, 10), 'the preferred quick fix was not applied; offered: ' .. vim.inspect(offered))
    result.offered = offered
  end
  step('buffer changed')
  vim.cmd('silent write')
  step('written')

  assert(vim.wait(timeout, function()
    for _, d in ipairs(tactful_diags(buf)) do
      if d.code == target.code and d.lnum == target.lnum and d.col == target.col then
        return false
      end
    end
    return true
  end, 10), 'the diagnostic is still there after the fix: ' .. vim.inspect(tactful_diags(buf)))
  result.after = tactful_diags(buf)
  step('diagnostic gone')
  result.ok = true
end)

if not ok then
  result.ok = false
  result.error = tostring(err)
end
finish()
