" tactful (empathy linter) for markdown files; see editors/vim/autoload/tactful/ale.vim.
call tactful#ale#Define('markdown')
