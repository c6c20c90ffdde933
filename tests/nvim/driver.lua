-- Helpers for the real-Neovim tests (tests/nvim/): run inside `nvim --headless -u init.lua`,
-- where init.lua is the README's configuration. Each test script sets `RESULT` (a path),
-- calls these helpers through Neovim's own LSP client and writes its findings as JSON.
local M = {}

M.findings = {}

function M.finish()
  local f = assert(io.open(RESULT, "w"))
  f:write(vim.json.encode(M.findings))
  f:close()
  vim.cmd("qa!")
end

-- Run `body`; any Lua error ends up in the findings (the Python side reports it).
function M.run(body)
  local ok, err = xpcall(body, debug.traceback)
  if not ok then
    M.findings.lua_error = tostring(err)
  end
  M.finish()
end

function M.wait(ms, predicate, what)
  if not vim.wait(ms, predicate, 10) then
    error("timed out waiting for " .. what)
  end
end

function M.client(bufnr)
  local found
  M.wait(20000, function()
    found = vim.lsp.get_clients({ bufnr = bufnr, name = "witx_lsp" })[1]
    return found ~= nil and found.initialized
  end, "the witx_lsp client to attach")
  return found
end

function M.open(path)
  vim.cmd.edit(vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  return bufnr, M.client(bufnr)
end

-- The diagnostics Neovim holds for a buffer, once they have stopped changing.
function M.settled_diagnostics(bufnr, quiet_ms)
  quiet_ms = quiet_ms or 600
  local last, since = nil, vim.uv.now()
  M.wait(30000, function()
    local now = vim.json.encode(M.diagnostics(bufnr))
    if now ~= last then
      last, since = now, vim.uv.now()
    end
    return vim.uv.now() - since >= quiet_ms
  end, "diagnostics to settle")
  return M.diagnostics(bufnr)
end

function M.diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, {
      line = d.lnum, col = d.col, end_line = d.end_lnum, end_col = d.end_col,
      severity = d.severity, message = d.message, code = d.code, namespace = d.namespace,
    })
  end
  table.sort(out, function(a, b)
    if a.line ~= b.line then return a.line < b.line end
    if a.col ~= b.col then return a.col < b.col end
    return a.message < b.message
  end)
  return out
end

function M.lines(bufnr)
  return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end

-- Put the cursor on the first occurrence of `needle` (plus `delta` bytes) in the buffer.
function M.cursor_at(bufnr, needle, delta)
  for i, line in ipairs(M.lines(bufnr)) do
    local s = line:find(needle, 1, true)
    if s then
      vim.api.nvim_win_set_cursor(0, { i, s - 1 + (delta or 0) })
      return
    end
  end
  error("not in the buffer: " .. needle)
end

return M
