" tactful: the linter itself comes through ALE (ale_linters/*/tactful.vim). This adds
" :TactfulExplain [rule], which shows `tactful rules explain` for the rule under the cursor.
if exists('g:loaded_tactful')
    finish
endif
let g:loaded_tactful = 1

function! s:RuleUnderCursor() abort
    if !exists('*ale#engine#GetLoclist')
        return ''
    endif
    let l:line = line('.')
    let l:col = col('.')
    for l:item in ale#engine#GetLoclist(bufnr(''))
        if get(l:item, 'linter_name', '') is# 'tactful' && l:item.lnum == l:line
        \ && l:item.col <= l:col && l:col <= get(l:item, 'end_col', l:item.col)
            return get(l:item, 'code', '')
        endif
    endfor
    return ''
endfunction

function! s:Explain(rule) abort
    let l:rule = empty(a:rule) ? s:RuleUnderCursor() : a:rule
    if empty(l:rule)
        echohl WarningMsg | echo 'tactful: no rule under the cursor; :TactfulExplain RULE-ID' | echohl None
        return
    endif
    let l:exe = get(g:, 'ale_tactful_executable', 'tactful')
    let l:text = systemlist(shellescape(l:exe) . ' rules explain ' . shellescape(l:rule))
    botright new
    setlocal buftype=nofile bufhidden=wipe noswapfile filetype=text
    call setline(1, l:text)
    setlocal nomodifiable
    nnoremap <buffer> <silent> q :close<CR>
endfunction

command! -nargs=? TactfulExplain call s:Explain(<q-args>)
