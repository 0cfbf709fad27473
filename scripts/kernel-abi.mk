# The one place that pins the target kernel ABI (Debian 12, 6.1 LTS).
KABI := 6.1.0-56
KFLAVOR := amd64
KRELEASE := $(KABI)-$(KFLAVOR)
