" tactful (empathy linter) for liquid files; see editors/vim/autoload/tactful/ale.vim.
call tactful#ale#Define('liquid')
