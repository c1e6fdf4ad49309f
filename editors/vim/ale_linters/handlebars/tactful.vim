" tactful (empathy linter) for handlebars files; see editors/vim/autoload/tactful/ale.vim.
call tactful#ale#Define('handlebars')
