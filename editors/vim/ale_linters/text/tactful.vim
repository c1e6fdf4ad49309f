" tactful (empathy linter) for text files; see editors/vim/autoload/tactful/ale.vim.
call tactful#ale#Define('text')
