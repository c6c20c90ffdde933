"""The server in a real Neovim 0.11, through Neovim's own LSP client (see conftest.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.nvim.conftest import Nvim, server_command

SEVERITY = {"error": 1, "warning": 2, "information": 3, "hint": 4}
FILES = ("preview1/wasi_snapshot_preview1.witx", "preview1/typenames.witx", "edge/compute-at-edge.witx",
         "edge/typenames.witx", "edge/http-cache.witx", "edge/with-cache.witx", "broken/broken.witx")


def check_json(workspace: Path) -> dict[str, list[dict[str, Any]]]:
    """`witx-lsp check --format json` of the whole workspace, per file (relative path)."""
    out = subprocess.run([*server_command(), "check", "--format", "json", str(workspace)], capture_output=True,
                         text=True, timeout=120)
    per_file: dict[str, list[dict[str, Any]]] = {f: [] for f in FILES}
    for d in json.loads(out.stdout)["diagnostics"]:
        rel = Path(d["path"]).resolve().relative_to(workspace.resolve()).as_posix()
        per_file.setdefault(rel, []).append(d)
    return per_file


def as_neovim_holds(d: dict[str, Any]) -> tuple[Any, ...]:
    r = d["range"]
    return (r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"],
            SEVERITY[d["severity"]], d["message"], d["code"])


def lua_list(items: tuple[str, ...]) -> str:
    return "{ " + ", ".join(json.dumps(i) for i in items) + " }"


def test_diagnostics_equal_witx_lsp_check_once_each(nvim: Nvim) -> None:
    found = nvim.run(f"""
      for _, rel in ipairs({lua_list(FILES)}) do
        local bufnr = t.open(WORKSPACE .. "/" .. rel)
        t.findings[rel] = t.settled_diagnostics(bufnr)
      end
    """)
    expected = check_json(nvim.workspace)
    assert any(expected[f] for f in FILES), "the comparison needs some diagnostics"
    assert any(d["severity"] == "error" for d in expected["broken/broken.witx"])
    for rel in FILES:
        held = found[rel]
        assert len({d["namespace"] for d in held}) <= 1, f"{rel}: diagnostics in two namespaces: {held}"
        got = sorted((d["line"], d["col"], d["end_line"], d["end_col"], d["severity"], d["message"], d["code"])
                     for d in held)
        assert got == sorted(as_neovim_holds(d) for d in expected[rel]), rel


def test_an_included_file_opened_first_never_shows_false_errors(nvim: Nvim) -> None:
    # http-cache.witx names typenames of typenames.witx, which only its includer (with-cache.witx)
    # loads before it. Watched from the moment the buffer exists until long after the index is done.
    found = nvim.run("""
      vim.cmd.edit(vim.fn.fnameescape(WORKSPACE .. "/edge/http-cache.witx"))
      local bufnr = vim.api.nvim_get_current_buf()
      local most, samples, start = 0, 0, vim.uv.now()
      local client
      vim.wait(6000, function()
        samples = samples + 1
        most = math.max(most, #vim.diagnostic.get(bufnr))
        client = client or vim.lsp.get_clients({ bufnr = bufnr, name = "witx_lsp" })[1]
        return false
      end, 10)
      t.findings.most = most
      t.findings.samples = samples
      t.findings.attached = client ~= nil
      t.findings.final = t.diagnostics(bufnr)
      -- The file is judged in its includer's context: an edit that breaks a name shows the error.
      vim.api.nvim_buf_set_lines(bufnr, 5, 6, false, { "        (param $req $request_handel)" })
      t.wait(10000, function() return #vim.diagnostic.get(bufnr) > 0 end, "the error of the edit")
      t.findings.after_edit = t.settled_diagnostics(bufnr)
    """)
    assert found["attached"] and found["samples"] > 100
    assert found["most"] == 0 and found["final"] == []
    assert [d["message"] for d in found["after_edit"]] == ["Unknown name `request_handel`"]


def test_completion_is_filtered_by_the_server(nvim: Nvim) -> None:
    found = nvim.run("""
      local bufnr, client = t.open(WORKSPACE .. "/preview1/wasi_snapshot_preview1.witx")
      t.settled_diagnostics(bufnr)
      -- A new parameter whose type is being typed: `(param $x $fi`
      local row = nil
      for i, line in ipairs(t.lines(bufnr)) do
        if line:find('(export "fd_advise")', 1, true) then row = i end
      end
      local text = "    (param $x $fi"
      vim.api.nvim_buf_set_lines(bufnr, row, row, false, { text })
      -- The cursor as in insert mode, after the `i` (ASCII: bytes are characters in any encoding).
      local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) },
                       position = { line = row, character = #text } }
      local response = client:request_sync("textDocument/completion", params, 10000, bufnr)
      assert(response and response.result, "no completion answer")
      -- What Neovim's completion (vim.lsp.completion, the omnifunc) makes of the answer.
      local line = vim.api.nvim_get_current_line()
      local col = #text
      local start = vim.fn.match(line:sub(1, col), "\\\\k*$")
      local matches = vim.lsp.completion._convert_results(line, row, col, client.id, start, nil,
                                                          response.result, client.offset_encoding)
      t.findings.words = vim.tbl_map(function(m) return m.abbr end, matches)
      t.findings.kinds = vim.tbl_map(function(m) return m.kind end, matches)
      t.findings.total = #(response.result.items or response.result)
    """)
    words = found["words"]
    # The names that start so first (Neovim keeps the server's order); fuzzy matches after them.
    assert words[:4] == ["$filedelta", "$filesize", "$filestat", "$filetype"], words
    assert all(w.startswith("$") for w in words) and "$advice" not in words, words
    assert "u32" not in words and found["total"] == len(words) < 10


UPSTREAM = ("preview1/typenames.witx", "preview1/wasi_snapshot_preview1.witx", "edge/compute-at-edge.witx",
            "edge/typenames.witx")


def test_formatting_the_upstream_files_changes_nothing(nvim: Nvim) -> None:
    # Formatting with the author's own indentation (2 spaces in WASI, 4 in fastly's files) as Neovim
    # sends it: the buffer's 'shiftwidth'/'expandtab'.
    found = nvim.run(f"""
      for _, rel in ipairs({lua_list(UPSTREAM)}) do
        local bufnr = t.open(WORKSPACE .. "/" .. rel)
        local width = rel:find("edge/") and 4 or 2
        vim.bo[bufnr].shiftwidth = width
        vim.bo[bufnr].tabstop = width
        vim.bo[bufnr].expandtab = true
        local before = t.lines(bufnr)
        vim.lsp.buf.format({{ bufnr = bufnr, async = false, timeout_ms = 20000 }})
        local after = t.lines(bufnr)
        local changed = 0
        for i = 1, math.max(#before, #after) do
          if before[i] ~= after[i] then changed = changed + 1 end
        end
        t.findings[rel] = changed
      end
    """)
    assert found == {rel: 0 for rel in UPSTREAM}


def test_definition_on_a_use_path_hover_rename_and_quick_fix(nvim: Nvim) -> None:
    found = nvim.run("""
      -- Definition (`gd`, vim.lsp.buf.definition) on the file name of `(use "typenames.witx")`.
      local bufnr = t.open(WORKSPACE .. "/preview1/wasi_snapshot_preview1.witx")
      t.settled_diagnostics(bufnr)
      t.cursor_at(bufnr, '"typenames.witx"', 3)
      vim.lsp.buf.definition()
      t.wait(10000, function() return vim.api.nvim_buf_get_name(0):match("preview1/typenames%.witx$") ~= nil end,
             "definition to open typenames.witx")
      t.findings.definition = { file = vim.api.nvim_buf_get_name(0), cursor = vim.api.nvim_win_get_cursor(0) }

      -- Hover (K) on `$filestat`: Neovim's floating window.
      local types_buf = vim.api.nvim_get_current_buf()
      t.cursor_at(types_buf, "(typename $filestat", 12)
      vim.lsp.buf.hover()
      local float
      t.wait(10000, function()
        for _, win in ipairs(vim.api.nvim_list_wins()) do
          if vim.api.nvim_win_get_config(win).relative ~= "" then float = win return true end
        end
        return false
      end, "the hover window")
      t.findings.hover = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(float), 0, -1, false)
      vim.api.nvim_win_close(float, true)

      -- A quick fix: `$sise` -> `$size` (before the rename: broken.witx uses typenames.witx).
      local broken = t.open(WORKSPACE .. "/broken/broken.witx")
      t.settled_diagnostics(broken)
      t.cursor_at(broken, "$sise", 1)
      vim.lsp.buf.code_action({
        apply = true,
        filter = function(action) return action.title == "Did you mean `$size`?" end,
      })
      t.wait(10000, function() return t.lines(broken)[2] == "(typename $count $size)" end, "the quick fix")
      t.findings.fixed = t.lines(broken)[2]
      t.findings.fixed_diagnostics = vim.tbl_map(function(d) return d.message end, t.settled_diagnostics(broken))
      vim.cmd.buffer(types_buf)
      -- Rename `$size` (typenames.witx) everywhere: Neovim applies the workspace edit.
      t.cursor_at(types_buf, "(typename $size", 11)
      vim.lsp.buf.rename("byte_count")
      local main = vim.fn.bufnr(WORKSPACE .. "/preview1/wasi_snapshot_preview1.witx")
      t.wait(10000, function()
        return table.concat(t.lines(main), "\\n"):find("$byte_count", 1, true) ~= nil
      end, "the rename")
      local function count(buf, word)  -- uses of the typename (a field or parameter `$size` is another name)
        local n = 0
        for _, line in ipairs(t.lines(buf)) do
          local plain = line:gsub("%(field " .. vim.pesc(word) .. "%f[^%w_]", "(field <member>")
          plain = plain:gsub("%(param " .. vim.pesc(word) .. "%f[^%w_]", "(param <member>")
          for _ in plain:gmatch(vim.pesc(word) .. "%f[^%w_]") do n = n + 1 end
        end
        return n
      end
      t.findings.rename = { types_size = count(types_buf, "$size"), main_size = count(main, "$size"),
                            types_new = count(types_buf, "$byte_count"), main_new = count(main, "$byte_count") }
      t.findings.after_rename = { types = t.settled_diagnostics(types_buf), main = #vim.tbl_filter(
        function(d) return d.severity == 1 end, t.settled_diagnostics(main)) }

    """)
    assert found["definition"]["file"].endswith("preview1/typenames.witx")
    assert found["definition"]["cursor"] == [1, 0]
    hover = "\n".join(found["hover"])
    assert "**record** · size 64, align 8" in hover  # the record, its size and alignment first
    assert found["rename"]["types_size"] == 0 and found["rename"]["main_size"] == 0
    assert found["rename"]["types_new"] > 0 and found["rename"]["main_new"] > 0
    assert found["after_rename"]["main"] == 0
    assert not [d for d in found["after_rename"]["types"] if d["severity"] == 1]
    assert found["fixed"] == "(typename $count $size)"
    assert found["fixed_diagnostics"] == ["Field `a` is defined more than once"] or all(
        "sise" not in m for m in found["fixed_diagnostics"])


def test_code_lenses_do_something_visible_and_the_log_stays_clean(nvim: Nvim) -> None:
    found = nvim.run("""
      local bufnr, client = t.open(WORKSPACE .. "/preview1/wasi_snapshot_preview1.witx")
      t.settled_diagnostics(bufnr)
      -- The README's LspAttach block: inlay hints, folding by the server's ranges, code lenses.
      t.wait(10000, function() return #vim.lsp.codelens.get(bufnr) > 0 end, "code lenses")
      t.wait(10000, function()
        return #vim.lsp.inlay_hint.get({ bufnr = bufnr }) > 0
      end, "inlay hints")
      local args_get = nil
      for i, line in ipairs(t.lines(bufnr)) do
        if line:find('"args_get"', 1, true) then args_get = i break end
      end
      t.wait(10000, function() return vim.fn.foldlevel(args_get + 1) > 0 end, "folds from vim.lsp.foldexpr()")
      t.findings.foldexpr = vim.wo.foldexpr
      local opened = {}
      for _, title in ipairs({ "Preview host signature", "(func $args_get" }) do
        local lens
        for _, l in ipairs(vim.lsp.codelens.get(bufnr)) do
          if l.command and l.command.title:sub(1, #title) == title then lens = l break end
        end
        assert(lens, "no lens " .. title)
        vim.cmd.buffer(bufnr)
        vim.api.nvim_win_set_cursor(0, { lens.range.start.line + 1, 0 })
        -- Two lenses share the line: codelens.run() asks which (vim.ui.select); the user picks `title`.
        vim.ui.select = function(items, opts, on_choice)
          for i, item in ipairs(items) do
            local text = opts.format_item and opts.format_item(item) or tostring(item)
            if text:sub(1, #title) == title then return on_choice(item, i) end
          end
          on_choice(nil, nil)
        end
        vim.cmd("normal grl")  -- the README's key for vim.lsp.codelens.run()
        t.wait(10000, function() return vim.api.nvim_get_current_buf() ~= bufnr end, "the lens' view to open")
        table.insert(opened, { name = vim.api.nvim_buf_get_name(0), first = t.lines(0)[1] })
      end
      t.findings.opened = opened
      -- User errors: an invalid rename (answered with an error, shown by Neovim) and a cancel for a
      -- request that was answered long ago.
      vim.cmd.buffer(bufnr)
      t.cursor_at(bufnr, "$fd", 1)
      local answer = client:request_sync("textDocument/rename", {
        textDocument = { uri = vim.uri_from_bufnr(bufnr) },
        position = { line = vim.api.nvim_win_get_cursor(0)[1] - 1, character = vim.api.nvim_win_get_cursor(0)[2] },
        newName = "not valid" }, 10000, bufnr)
      t.findings.rename_error = answer and answer.err and answer.err.message
      client:cancel_request(424242)
      client:request_sync("textDocument/hover", vim.lsp.util.make_position_params(0, client.offset_encoding),
                          10000, bufnr)
      vim.lsp.stop_client(client.id)
      t.wait(10000, function() return client:is_stopped() end, "the server to stop")
    """)
    views = nvim.home / "views"
    [preview, abi] = found["opened"]
    assert preview["name"].startswith(str(views)) and preview["name"].endswith(".host.rs")
    assert abi["name"].startswith(str(views)) and abi["name"].endswith(".abi.txt")
    assert abi["first"].startswith("(func $args_get (param i32 i32) (result i32))")
    assert "not a valid" in (found["rename_error"] or "")
    assert found["foldexpr"] == "v:lua.vim.lsp.foldexpr()"
    log = nvim.server_log()
    stderr = [line for line in log.splitlines() if "stderr" in line]
    assert not stderr, "\n".join(stderr)
    assert "internal error" not in log and "Traceback" not in log
