" tactful for Vim/Neovim + ALE: defines the `tactful` LSP linter (`tactful lsp --stdio`).
" Options (buffer `b:` or global `g:`):
"   ale_tactful_executable   the binary (default 'tactful')
"   ale_tactful_settings     dict sent as initializationOptions and the `tactful` settings
"                            section, mirroring tactful.toml (severity, packs, allow, kinds)
call ale#Set('tactful_executable', 'tactful')
call ale#Set('tactful_settings', {})

" JSON/YAML files are linted only when they are help-desk macro exports.
let s:macro_export = '\v(macro[^/]*\.(json|ya?ml)|/macros/.+\.(json|ya?ml))$'
" The LSP languageId per Vim filetype (Vim's 'text' is the LSP's 'plaintext').
let s:language = {'text': 'plaintext'}

function! tactful#ale#IsLinted(buffer) abort
    let l:ft = getbufvar(a:buffer, '&filetype')

    if l:ft is# 'json' || l:ft is# 'yaml'
        return fnamemodify(bufname(a:buffer), ':p') =~# s:macro_export
    endif

    return 1
endfunction

" The project root: the folder of the nearest tactful.toml / .tactful.toml / .git, else the
" file's folder. Empty (ALE then doesn't start the server) for files tactful doesn't lint.
function! tactful#ale#ProjectRoot(buffer) abort
    if !tactful#ale#IsLinted(a:buffer)
        return ''
    endif

    for l:marker in ['tactful.toml', '.tactful.toml']
        let l:found = ale#path#FindNearestFile(a:buffer, l:marker)

        if !empty(l:found)
            return fnamemodify(l:found, ':h')
        endif
    endfor

    let l:git = ale#path#FindNearestDirectory(a:buffer, '.git')

    if !empty(l:git)
        return fnamemodify(l:git, ':h:h')
    endif

    return fnamemodify(bufname(a:buffer), ':p:h')
endfunction

function! tactful#ale#Language(buffer) abort
    let l:ft = split(getbufvar(a:buffer, '&filetype'), '\.')[0]

    return get(s:language, l:ft, l:ft)
endfunction

function! tactful#ale#Define(filetype) abort
    call ale#linter#Define(a:filetype, {
    \   'name': 'tactful',
    \   'lsp': 'stdio',
    \   'executable': {b -> ale#Var(b, 'tactful_executable')},
    \   'command': '%e lsp --stdio',
    \   'language': function('tactful#ale#Language'),
    \   'project_root': function('tactful#ale#ProjectRoot'),
    \   'initialization_options': {b -> ale#Var(b, 'tactful_settings')},
    \   'lsp_config': {b -> {'tactful': ale#Var(b, 'tactful_settings')}},
    \})
endfunction
