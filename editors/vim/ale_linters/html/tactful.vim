" tactful (empathy linter) for html files; see editors/vim/autoload/tactful/ale.vim.
call tactful#ale#Define('html')
