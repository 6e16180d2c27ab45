from kapjournal.cli import main

main()
