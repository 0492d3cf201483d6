# Toolchain file: Cortex-M4F with Debian's gcc-arm-none-eabi (newlib nano, no OS).
#   cmake -S firmware-bridge -B build-arm -DCMAKE_TOOLCHAIN_FILE=arm/cortex-m4.cmake -DBP_HOST=OFF -DBP_ARM=ON
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -ffunction-sections -fdata-sections")
set(CMAKE_EXE_LINKER_FLAGS_INIT "--specs=nano.specs --specs=nosys.specs -Wl,--gc-sections")
