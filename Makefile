# The README's two commands: `make demo` and `make test`.
.PHONY: demo test bench install typecheck build docs

install:
	@bash scripts/ensure-pnpm.sh
	@pnpm install --frozen-lockfile

demo: install
	pnpm demo

# Installs what the tests need on a fresh machine (librdkafka for the Kafka broker,
# PostgreSQL when none is reachable, Node 24 for the consumer test), builds the packages
# (the consumer test installs their tarballs), then type-checks and runs every test.
test: install
	bash scripts/setup-test-env.sh
	pnpm build
	pnpm typecheck
	pnpm test

# Every published package into its dist/ (incremental).
build: install
	pnpm build

bench: install
	bash scripts/setup-test-env.sh
	pnpm bench

# The API reference (TypeDoc) into docs/api/; fails on an undocumented public export.
# (`pnpm run docs`: a bare `pnpm docs` is handed to `npm docs` by pnpm 10.)
docs: install
	pnpm run docs
