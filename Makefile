# Lễ tân số — the two commands: `make run` (set up + run the assistant), `make test` (set up + run all tests).
.PHONY: run test setup models bench clean

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

setup:
	bash scripts/setup.sh

bench:
	bash scripts/bench.sh

clean:
	rm -rf .stamps models/embedding models/index models/rasa var
