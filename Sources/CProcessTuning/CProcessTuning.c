// The functions are static inline in include/CProcessTuning.h; SwiftPM needs one source file per C target.
#include "CProcessTuning.h"
