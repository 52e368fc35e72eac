# cmake -D COMPILER=... -D FLAGS=... -D SOURCE=... -D EXPECT=... -P compile_check.cmake
# EXPECT empty: SOURCE must compile. Otherwise it must fail, and the compiler's message must
# contain EXPECT (so it fails for the reason the check is about, not a missing include).
execute_process(COMMAND ${COMPILER} ${FLAGS} ${SOURCE}
  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(EXPECT STREQUAL "")
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${SOURCE} should compile:\n${err}")
  endif()
else()
  if(result EQUAL 0)
    message(FATAL_ERROR "${SOURCE} compiled; it must not")
  endif()
  string(FIND "${err}" "${EXPECT}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${SOURCE} failed, but not with \"${EXPECT}\":\n${err}")
  endif()
endif()
