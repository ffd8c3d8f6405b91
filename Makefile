# Makefile - build, test, run and benchmark the MPI + OpenMP port of the pi workshop.
#
#   make            build bin/pi
#   make run        install missing Debian packages, build, run every method on all cores
#   make check      install missing Debian packages, build, run every test (alias: test)
#   make bench      benchmarks (bench/), not tests: rates side by side in one run
#   make scaling    a strong-scaling study of this machine (bench/scale): table, CSV, JSON, plots
#   make install    PREFIX=/usr/local DESTDIR=: programs, Slurm scripts, an Lmod modulefile
#   make uninstall  the same PREFIX and DESTDIR: removes what install put there and is unchanged
#                   (PREFIX/share/pi-workshop-mpi/MANIFEST); FORCE=1 install replaces foreign files
#
# Your CFLAGS/LDFLAGS are respected; the project's own flags live in PI_*.

MPICC   ?= mpicc
CC      ?= cc
CFLAGS  ?= -O3 -march=native -g
CXX     ?= g++
CXXFLAGS ?= $(CFLAGS)
LDFLAGS ?=
PREFIX  ?= /usr/local
# The release: the git tag (v1.2.0 -> 1.2.0, with -N-gHASH past it) when there is one, else this.
BASE_VERSION := 0.9.0
ifeq ($(origin VERSION),undefined)
VERSION := $(or $(patsubst v%,%,$(shell git describe --tags --match 'v[0-9]*' 2>/dev/null)),$(BASE_VERSION))
endif
# make install's layout (slurm/install.sh): PREFIX/bin, PREFIX/share/pi-workshop-mpi (the Slurm
# scripts and the MANIFEST), PREFIX/share/modulefiles/pi-workshop-mpi/VERSION.lua
# modules the modulefile loads first (depends_on), e.g. MODULE_DEPENDS="gcc openmpi gsl"
MODULE_DEPENDS ?=
# The Philox Monte Carlo kernel vectorizes far better with clang 14 than with
# gcc 12 (bench/bench_montecarlo): built with clang when there is one.
MC_CC   ?= $(shell command -v clang >/dev/null 2>&1 && echo clang || echo $(CC))
NP      ?= $(shell nproc 2>/dev/null || echo 2)
# The launcher: Open MPI's mpirun by default; MPICH's is mpiexec.mpich (make MPICC=mpicc.mpich
# MPIRUN=mpiexec.mpich ...), Intel MPI's mpirun with make MPICC=mpiicx CC=icx.  slurm/mpilaunch
# speaks its dialect (detected from $(MPIRUN) --version; MPI_FLAVOR=openmpi|mpich|intel overrides).
MPIRUN  ?= mpirun
MPILAUNCH := MPIRUN='$(MPIRUN)' slurm/mpilaunch
# The MPI's Debian packages: MPICH's when the chosen wrapper or launcher is MPICH's.
ifneq ($(findstring mpich,$(MPICC) $(MPIRUN) $(MPI_FLAVOR)),)
MPI_PACKAGES := mpich libmpich-dev
else ifeq ($(MPI_FLAVOR),intel)
MPI_PACKAGES :=
else
MPI_PACKAGES := openmpi-bin libopenmpi-dev
endif

BUILD := build
BIN   := bin

# -ffp-contract=off: no FMA contraction, so every term is the same IEEE
# expression on every machine, compiler and -march (bit-for-bit results).
PI_CFLAGS  := -std=c11 -D_XOPEN_SOURCE=700 -fopenmp -ffp-contract=off -fno-trapping-math -Wall -Wextra -MMD -MP \
              -Ikernels -Idrivers/common -I$(BUILD)
MC_CFLAGS  := $(filter-out -fopenmp,$(PI_CFLAGS))
# kernels/*.cc: fast_float and Dragonbox (Debian's header libraries; Dragonbox's headers sit in a
# versioned folder) behind a C interface (no exceptions, no RTTI)
DRAGONBOX_INC := $(lastword $(sort $(wildcard /usr/include/dragonbox-*)))
PI_CXXFLAGS := -std=c++17 -fno-exceptions -fno-rtti -Wall -Wextra -MMD -MP -Ikernels \
               $(if $(DRAGONBOX_INC),-I$(DRAGONBOX_INC))
GSL_LIBS   := $(shell pkg-config --libs gsl 2>/dev/null || echo -lgsl -lgslcblas)
LIB_LIBS   := $(shell pkg-config --libs gmp nettle 2>/dev/null || echo -lgmp -lnettle)
PI_LDLIBS  := $(GSL_LIBS) $(LIB_LIBS) -lstdc++ -lm
TEST_LIBS  := $(shell pkg-config --libs mpfr gmp 2>/dev/null || echo -lmpfr -lgmp)
# The sanitizer build also uses a plain -march=x86-64 (SSE2, no FMA units):
# its results must match the optimized build's bit for bit (tests/pi/sanitize.t).
SAN_FLAGS  := -O1 -march=x86-64 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=all

# ThreadSanitizer build of `workshop` and the lessons' kernels (make tsan): clang with its
# libomp, whose Archer tool tells TSan about OpenMP's synchronisation (libgomp cannot).
TSAN_CC    ?= clang
TSAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=thread
TSAN_MPICC := OMPI_CC=$(TSAN_CC) MPICH_CC=$(TSAN_CC) I_MPI_CC=$(TSAN_CC) $(MPICC)

# Debian packages the build, the tests and the runs need.
# (librandom123-doc: Random123's known-answer vectors, for the tests.)
DEB_PACKAGES := gcc g++ clang make pkg-config $(MPI_PACKAGES) libgsl-dev \
                librandom123-dev librandom123-doc libfast-float-dev libdragonbox-dev libgmp-dev libmpfr-dev nettle-dev perl time \
                slurm-wlm munge libomp-dev gnuplot-nox lmod python3

# Sources by folder: kernels/ (pure C + OpenMP, one static library), drivers/common/ (the MPI
# layer and what the programs share), one folder per program (drivers/pi, drivers/map,
# drivers/workshop); unit tests are tests/unit/test_*.c.
KERNEL_SRC := $(wildcard kernels/*.c)
KERNEL_CXX := $(wildcard kernels/*.cc)
COMMON_SRC := $(wildcard drivers/common/*.c)
PI_SRC     := $(wildcard drivers/pi/*.c)
MAP_SRC    := $(wildcard drivers/map/*.c)
WS_SRC     := $(wildcard drivers/workshop/*.c)
UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
SHELL_TESTS = $(wildcard tests/*/*.t)
BENCHES    := bench_midpoint

# Open MPI refuses root unless told; CI and containers run as root.
export OMPI_ALLOW_RUN_AS_ROOT := 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM := 1

.PHONY: all run check test bench bench-midpoint bench-montecarlo bench-bbp bench-map clean install \
        uninstall \
        deps scaling \
        tests san tsan bench-pingpong FORCE
.DEFAULT_GOAL := all

# --- objects: $(1) = output dir, $(2) = extra flags -------------------------
# Kernels are compiled by $(CC) (they never include mpi.h); drivers and tests by $(MPICC).
define objects
$(1)/kernels/%.o: kernels/%.c $(BUILD)/cflags
	@mkdir -p $$(@D)
	$$(CC) $$(PI_CFLAGS) $$(CFLAGS) $(2) -c $$< -o $$@
$(1)/kernels/%.o: kernels/%.cc $(BUILD)/cflags
	@mkdir -p $$(@D)
	$$(CXX) $$(PI_CXXFLAGS) $$(CXXFLAGS) $(2) -c $$< -o $$@
$(1)/drivers/%.o: drivers/%.c $(BUILD)/cflags | $(BUILD)/buildinfo.h
	@mkdir -p $$(@D)
	$$(MPICC) $$(PI_CFLAGS) $$(CFLAGS) $(2) -c $$< -o $$@
$(1)/tests/%.o: tests/%.c $(BUILD)/cflags
	@mkdir -p $$(@D)
	$$(MPICC) $$(PI_CFLAGS) -Idrivers/map $$(CFLAGS) $(2) -c $$< -o $$@
$(1)/bench/%.o: bench/%.c $(BUILD)/cflags
	@mkdir -p $$(@D)
	$$(CC) $$(PI_CFLAGS) $$(CFLAGS) $(2) -c $$< -o $$@
# the kernels once, as a static library every program and unit test links
$(1)/libkernels.a: $$(patsubst %.c,$(1)/%.o,$$(KERNEL_SRC)) $$(patsubst %.cc,$(1)/%.o,$$(KERNEL_CXX))
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(BUILD)/kernels/montecarlo.o: kernels/montecarlo.c $(BUILD)/cflags
	@mkdir -p $(@D)
	$(MC_CC) $(MC_CFLAGS) $(CFLAGS) -c $< -o $@
$(eval $(call objects,$(BUILD),))
$(eval $(call objects,$(BUILD)/san,$(SAN_FLAGS)))

# objects of a program ($(2): pi, map or workshop) in output dir $(1), drivers/common's included
pobj = $(patsubst %.c,$(1)/%.o,$(COMMON_SRC) $(wildcard drivers/$(2)/*.c))
PROGRAMS := pi map workshop

all: $(PROGRAMS:%=$(BIN)/%)

# link rule of program $(1) in output dir $(2) to $(3), with extra flags $(4)
define program
$(3): $(call pobj,$(2),$(1)) $(2)/libkernels.a
	@mkdir -p $$(@D)
	$(5) $$(PI_CFLAGS) $(4) $$(LDFLAGS) $$^ $$(PI_LDLIBS) -o $$@
endef
$(foreach p,$(PROGRAMS),$(eval $(call program,$(p),$(BUILD),$(BIN)/$(p),$$(CFLAGS),$$(MPICC))))
$(foreach p,$(PROGRAMS),$(eval $(call program,$(p),$(BUILD)/san,$(BUILD)/san/bin/$(p),$$(CFLAGS) $$(SAN_FLAGS),$$(MPICC))))

# unit tests: one binary each, the kernels' library + the MPI-free driver parsers, outfile
$(BUILD)/tests/unit/test_%: $(BUILD)/tests/unit/test_%.o $(BUILD)/tests/unit/tap.o \
                       $(BUILD)/drivers/common/cli.o $(BUILD)/drivers/common/outfile.o \
                       $(BUILD)/drivers/map/records.o $(BUILD)/libkernels.a
	$(MPICC) $(PI_CFLAGS) $(CFLAGS) $(LDFLAGS) $^ $(TEST_LIBS) $(PI_LDLIBS) -o $@
$(BUILD)/san/tests/unit/test_%: $(BUILD)/san/tests/unit/test_%.o $(BUILD)/san/tests/unit/tap.o \
                           $(BUILD)/san/drivers/common/cli.o $(BUILD)/san/drivers/common/outfile.o \
                           $(BUILD)/san/drivers/map/records.o \
                           $(BUILD)/san/libkernels.a
	$(MPICC) $(PI_CFLAGS) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) $^ $(TEST_LIBS) \
	    $(PI_LDLIBS) -o $@

$(BUILD)/bench/bench_%: $(BUILD)/bench/bench_%.o $(BUILD)/libkernels.a
	$(CC) $(PI_CFLAGS) $(CFLAGS) $(LDFLAGS) $^ $(PI_LDLIBS) -o $@
# the Monte Carlo kernel once more, built by $(CC), beside the $(MC_CC) one
$(BUILD)/bench/montecarlo_gcc.o: kernels/montecarlo.c $(BUILD)/cflags
	@mkdir -p $(@D)
	$(CC) $(MC_CFLAGS) $(CFLAGS) -Dmc_hits_fast=mc_hits_fast_gcc -Dmc_hits_ref=mc_hits_ref_gcc \
	    -Dmc_dart=mc_dart_gcc -Dmc_span_fast=mc_span_fast_gcc -Dmc_span_ref=mc_span_ref_gcc \
	    -c $< -o $@
$(BUILD)/bench/bench_montecarlo: $(BUILD)/bench/montecarlo_gcc.o

tests: $(PROGRAMS:%=$(BIN)/%) $(UNIT_TESTS:%=$(BUILD)/tests/unit/%) $(BUILD)/bench/mpfr_pi
san: $(PROGRAMS:%=$(BUILD)/san/bin/%) $(UNIT_TESTS:%=$(BUILD)/san/tests/unit/%)
tsan: $(BUILD)/tsan/bin/workshop $(BUILD)/tsan/tests/unit/test_lessons $(BUILD)/tsan/tests/unit/tsan_control

# every TSan object through the MPI wrapper with clang (kernels do not include mpi.h)
$(BUILD)/tsan/%.o: %.c $(BUILD)/cflags | $(BUILD)/buildinfo.h
	@mkdir -p $(@D)
	$(TSAN_MPICC) $(PI_CFLAGS) -Idrivers/map $(TSAN_FLAGS) -c $< -o $@
$(BUILD)/tsan/bin/workshop: $(call pobj,$(BUILD)/tsan,workshop) $(patsubst %.c,$(BUILD)/tsan/%.o,$(KERNEL_SRC))
	@mkdir -p $(@D)
	$(TSAN_MPICC) $(PI_CFLAGS) $(TSAN_FLAGS) $(LDFLAGS) $^ $(PI_LDLIBS) -o $@
$(BUILD)/tsan/tests/unit/test_lessons: $(BUILD)/tsan/tests/unit/test_lessons.o $(BUILD)/tsan/tests/unit/tap.o \
                                  $(BUILD)/tsan/kernels/counter.o $(BUILD)/tsan/kernels/lessons.o
	$(TSAN_MPICC) $(PI_CFLAGS) $(TSAN_FLAGS) $(LDFLAGS) $^ -lm -o $@
$(BUILD)/tsan/tests/unit/tsan_control: $(BUILD)/tsan/tests/unit/tsan_control.o
	$(TSAN_MPICC) $(PI_CFLAGS) $(TSAN_FLAGS) $(LDFLAGS) $^ -o $@

# compilers and flags: objects are rebuilt when these change
$(BUILD)/cflags: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) | $(MPICC) | $(MC_CC) | $(PI_CFLAGS) | $(CFLAGS) | $(SAN_FLAGS) | $(TSAN_CC) | $(CXX) | $(CXXFLAGS)' > $@.tmp; \
	 cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# build provenance, rewritten only when the compiler, flags or commit change
$(BUILD)/buildinfo.h: FORCE
	@mkdir -p $(@D)
	@{ echo '/* generated by make: build provenance for the JSON records */'; \
	   echo '#define PIPORT_VERSION "$(subst ",,$(VERSION))"'; \
	   echo '#define PIPORT_CC "$(MPICC)"'; \
	   echo '#define PIPORT_MC_CC "'"$$($(MC_CC) --version | head -n 1 | tr -d '"\\')"'"'; \
	   echo '#define PIPORT_CFLAGS "$(subst ",,$(PI_CFLAGS) $(CFLAGS))"'; \
	   echo '#define PIPORT_GIT "'$$(git describe --always --dirty 2>/dev/null || echo unknown)'"'; \
	 } > $@.tmp; cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# --- set-up, run, tests, benchmarks -----------------------------------------
deps:
	@missing=""; \
	if ! command -v dpkg-query >/dev/null; then \
	  echo "deps: not a Debian system; install Open MPI, GSL, GMP, MPFR, Random123 yourself"; exit 0; fi; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "deps: missing Debian packages:$$missing"; \
	  echo "deps: run this, then make again:  sudo apt-get install -y$$missing"; exit 1; fi; \
	echo "deps: installing Debian packages:$$missing"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing

run: deps
	@$(MAKE) --no-print-directory all
	$(MPILAUNCH) --oversubscribe -np $(NP) $(BIN)/pi all

check test: deps
	@$(MAKE) --no-print-directory tests san tsan
	BUILD=$(BUILD) BIN=$(BIN) MPIRUN='$(MPIRUN)' prove --timer $(UNIT_TESTS:%=$(BUILD)/tests/unit/%) \
	    $(UNIT_TESTS:%=$(BUILD)/san/tests/unit/%) $(SHELL_TESTS)

bench:                          # one after another: they share 2 cores and build/avx2
	@$(MAKE) --no-print-directory bench-midpoint
	@$(MAKE) --no-print-directory bench-montecarlo
	@$(MAKE) --no-print-directory bench-bbp
	@$(MAKE) --no-print-directory bench-digits
	@$(MAKE) --no-print-directory bench-map
	@$(MAKE) --no-print-directory bench-pingpong
bench-pingpong: $(BUILD)/bench/pingpong_plain $(BIN)/workshop
	MPIRUN=$(MPIRUN) WS=$(BIN)/workshop PLAIN=$(BUILD)/bench/pingpong_plain bench/bench_pingpong.sh
$(BUILD)/bench/pingpong_plain: bench/pingpong_plain.c
	@mkdir -p $(@D)
	$(MPICC) -O2 $< -o $@
bench-map: $(BUILD)/bench/copy_f64 $(BUILD)/bench/libc_map $(BIN)/map
	MPIRUN=$(MPIRUN) MAP=$(BIN)/map COPY=$(BUILD)/bench/copy_f64 LIBC_MAP=$(BUILD)/bench/libc_map \
	    bench/bench_map.sh
$(BUILD)/bench/copy_f64 $(BUILD)/bench/libc_map: $(BUILD)/bench/%: bench/%.c
	@mkdir -p $(@D)
	$(CC) -O2 $< -o $@
.PHONY: bench-digits
bench-digits: $(BUILD)/bench/mpfr_pi $(BUILD)/bench/bench_plan $(BIN)/pi
	@$(MAKE) --no-print-directory -s BUILD=$(BUILD)/avx2 BIN=$(BUILD)/avx2/bin \
	    CFLAGS="-O3 -mavx2 -mfma -g" $(BUILD)/avx2/bin/pi
	MPIRUN=$(MPIRUN) PI=$(BIN)/pi PI_AVX2=$(BUILD)/avx2/bin/pi MPFR_PI=$(BUILD)/bench/mpfr_pi \
	    bench/bench_digits.sh
	$(BUILD)/bench/bench_plan
bench-bbp: $(BUILD)/bench/bailey_bbp $(BUILD)/bench/mpfr_pi $(BIN)/pi
	@$(MAKE) --no-print-directory -s BUILD=$(BUILD)/avx2 BIN=$(BUILD)/avx2/bin \
	    CFLAGS="-O3 -mavx2 -mfma -g" $(BUILD)/avx2/bin/pi
	MPIRUN=$(MPIRUN) PI=$(BIN)/pi PI_AVX2=$(BUILD)/avx2/bin/pi BAILEY=$(BUILD)/bench/bailey_bbp \
	    MPFR_PI=$(BUILD)/bench/mpfr_pi bench/bench_bbp.sh
$(BUILD)/bench/mpfr_pi: bench/mpfr_pi.c
	@mkdir -p $(@D)
	$(CC) -O2 $< $(TEST_LIBS) -o $@
$(BUILD)/bench/bailey_bbp: bench/bailey_bbp.c
	@mkdir -p $(@D)
	$(CC) -O2 $< -lm -o $@
bench-montecarlo: $(BUILD)/bench/bench_montecarlo $(BIN)/pi
	$(BUILD)/bench/bench_montecarlo
	@echo; echo "The same kernels built for AVX2 only (-O3 -mavx2 -mfma), no AVX-512, 1e8/1e9 darts:"
	@$(MAKE) --no-print-directory -s BUILD=$(BUILD)/avx2 CFLAGS="-O3 -mavx2 -mfma -g" \
	    $(BUILD)/avx2/bench/bench_montecarlo
	$(BUILD)/avx2/bench/bench_montecarlo --quick
	@echo; MPIRUN=$(MPIRUN) PI=$(BIN)/pi bench/pi_mpi.sh montecarlo 1e10
	@echo; python3 bench/workshop_montecarlo.py 2e6 || echo "(python3 missing: no workshop baseline)"
bench-midpoint: $(BUILD)/bench/bench_midpoint $(BIN)/pi
	$(BUILD)/bench/bench_midpoint
	@echo; echo "The same kernels built for AVX2 only (-O3 -mavx2 -mfma), no AVX-512:"
	@$(MAKE) --no-print-directory -s BUILD=$(BUILD)/avx2 CFLAGS="-O3 -mavx2 -mfma -g" \
	    $(BUILD)/avx2/bench/bench_midpoint
	$(BUILD)/avx2/bench/bench_midpoint
	@echo; MPIRUN=$(MPIRUN) PI=$(BIN)/pi bench/pi_mpi.sh midpoint 1e10

# The laptop study: strong scaling of midpoint and Monte Carlo over the layouts that fit this
# machine, with the workshop's Python when python3 is there; outputs in scaling/.
scaling: deps
	@$(MAKE) --no-print-directory all
	@command -v python3 >/dev/null || echo "scaling: python3 missing: no workshop Python rows"
	MPIRUN=$(MPIRUN) bench/scale --method midpoint,montecarlo \
	    $$(command -v python3 >/dev/null && echo --python) --out scaling

# make install: the programs, the Slurm scripts and site.conf (an edited site.conf is kept: the
# new one goes beside it as site.conf.new), and an Lmod modulefile that puts the programs on
# PATH and sets PI_ROOT to the scripts' directory; PREFIX/share/pi-workshop-mpi/MANIFEST lists each
# file with its sha256.  install refuses to replace a file it did not install (FORCE=1 does);
# uninstall removes only the listed files that are unchanged.  slurm/install.sh does both: the
# paths reach it as single-quoted words in its environment, so PREFIX and DESTDIR may hold spaces.
shell_word = '$(subst ','\'',$($(1)))'
INSTALL_ENV = PI_PREFIX=$(call shell_word,PREFIX) PI_DESTDIR=$(call shell_word,DESTDIR) \
              PI_VERSION=$(call shell_word,VERSION) PI_BIN=$(call shell_word,BIN) \
              PI_MODULE_DEPENDS=$(call shell_word,MODULE_DEPENDS) PI_FORCE=$(call shell_word,FORCE)
install: $(BIN)/pi $(BIN)/map $(BIN)/workshop slurm/modulefile.lua.in slurm/install.sh
	@$(INSTALL_ENV) bash slurm/install.sh install

uninstall:
	@$(INSTALL_ENV) bash slurm/install.sh uninstall

clean:
	rm -rf $(call shell_word,BUILD) $(call shell_word,BIN)

FORCE:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
