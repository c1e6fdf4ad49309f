" tactful (empathy linter) for yaml files; see editors/vim/autoload/tactful/ale.vim.
call tactful#ale#Define('yaml')
