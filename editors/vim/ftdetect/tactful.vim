" Filetypes for reply templates that Vim doesn't know (Vim 9 knows *.liquid and *.hbs).
au BufNewFile,BufRead *.mustache setfiletype mustache
au BufNewFile,BufRead *.handlebars setfiletype handlebars
au BufNewFile,BufRead *.reply,*.macro setfiletype text
