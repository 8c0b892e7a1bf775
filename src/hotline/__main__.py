from hotline.cli import run

run()
