" tactful (empathy linter) for json files; see editors/vim/autoload/tactful/ale.vim.
call tactful#ale#Define('json')
