" tactful (empathy linter) for mustache files; see editors/vim/autoload/tactful/ale.vim.
call tactful#ale#Define('mustache')
