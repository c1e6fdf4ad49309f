" Driven by tests/e2e_vim_ale.rs inside `vim -es` (the user's vimrc already ran): waits for
" ALE's tactful diagnostics, asks ALE for code actions at the E2E_RULE_PREFIX finding (the
" :ALECodeAction request, with a callback instead of its prompt), applies the preferred quick
" fix, writes, waits for the diagnostic to go, and writes what it saw as JSON to E2E_RESULT.
let s:result = {'steps': [], 'ok': v:false}
let s:timeout = empty($E2E_TIMEOUT_MS) ? 20000 : str2nr($E2E_TIMEOUT_MS)
let s:prefix = empty($E2E_RULE_PREFIX) ? 'blame-customer' : $E2E_RULE_PREFIX
let s:actions = v:null

function! s:Wait(Cond) abort
    let l:start = reltime()
    while reltimefloat(reltime(l:start)) * 1000 < s:timeout
        if a:Cond()
            return 1
        endif
        sleep 10m
    endwhile
    return a:Cond()
endfunction

" ALE mutates its loclist in place: copy it.
function! s:Ours() abort
    return filter(deepcopy(ale#engine#GetLoclist(bufnr(''))), {_, v -> get(v, 'linter_name', '') is# 'tactful'})
endfunction

function! s:Targets() abort
    return filter(s:Ours(), {_, v -> get(v, 'code', '') =~# '^' . s:prefix})
endfunction

function! s:OnActions(data, items) abort
    let s:actions = [a:data, a:items]
endfunction

function! s:Text() abort
    return join(getline(1, '$'), "\n")
endfunction

try
    let s:result.filetype = &filetype
    call add(s:result.steps, 'filetype=' . &filetype)
    if !s:Wait({-> !empty(s:Targets())})
        throw 'no ' . s:prefix . ' diagnostic from ALE; loclist: ' . string(s:Ours())
        \ . '; linters: ' . string(map(ale#linter#Get(&filetype), 'v:val.name'))
    endif
    let s:result.before = s:Ours()
    let s:target = s:Targets()[0]
    let s:result.target = s:target
    call add(s:result.steps, 'diagnostic ' . s:target.code . ' at ' . s:target.lnum . ':' . s:target.col)
    let s:original = s:Text()

    call cursor(s:target.lnum, s:target.col)
    " :TactfulExplain explains the rule under the cursor in a new window.
    let s:reply_win = win_getid()
    TactfulExplain
    let s:result.explain = join(getline(1, '$'), "\n")
    if win_getid() != s:reply_win
        close
    endif
    call win_gotoid(s:reply_win)
    call cursor(s:target.lnum, s:target.col)
    call add(s:result.steps, 'explained')
    call ale#codefix#Execute(0, function('s:OnActions'))
    if !s:Wait({-> s:actions isnot v:null})
        throw 'no code actions arrived'
    endif
    let [s:data, s:items] = s:actions
    let s:result.offered = map(copy(s:items), {_, v -> {'title': v[1].title, 'preferred': get(v[1], 'isPreferred', v:false)}})
    let s:preferred = filter(copy(s:items), {_, v -> get(v[1], 'isPreferred', v:false) && get(v[1], 'kind', '') =~# '^quickfix'})
    if empty(s:preferred)
        throw 'no preferred quick fix among ' . string(s:result.offered)
    endif
    call ale#codefix#ApplyLSPCodeAction(s:data, s:preferred[0][1])
    if !s:Wait({-> s:Text() isnot# s:original})
        throw 'the quick fix did not change the buffer'
    endif
    call add(s:result.steps, 'buffer changed')
    silent write
    call add(s:result.steps, 'written')
    let s:Gone = {-> empty(filter(s:Ours(), {_, v -> get(v, 'code', '') is# s:target.code
    \   && v.lnum == s:target.lnum && v.col == s:target.col}))}
    if !s:Wait(s:Gone)
        throw 'the diagnostic is still there after the fix: ' . string(s:Ours())
    endif
    let s:result.after = s:Ours()
    call add(s:result.steps, 'diagnostic gone')
    let s:result.ok = v:true
catch
    let s:result.error = v:exception . ' @ ' . v:throwpoint
endtry

call writefile([json_encode(s:result)], $E2E_RESULT)
if s:result.ok
    qall!
else
    cquit!
endif
