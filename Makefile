# The README's two commands: `make demo` and `make test`.
.PHONY: demo test bench install typecheck

install:
	@bash scripts/ensure-pnpm.sh
	@pnpm install --frozen-lockfile

demo: install
	pnpm demo

# Installs what the tests need on a fresh machine (librdkafka for the Kafka broker,
# PostgreSQL when none is reachable), then type-checks and runs every test.
test: install
	bash scripts/setup-test-env.sh
	pnpm typecheck
	pnpm test

bench: install
	bash scripts/setup-test-env.sh
	pnpm bench
