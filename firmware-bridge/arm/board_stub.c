/* A board skeleton for the Cortex-M cross-build: proves the core links for a bare-metal target with no OS and
 * no heap. A real board replaces these stubs with its SysTick clock, UART driver, DAC/PWM outputs and e-stop GPIO;
 * the main loop is what a board runs: bytes from the UART into the core, one tick per timer period. */
#include "bp_device.h"

static volatile uint64_t g_us;       /* advanced by a SysTick handler on a real board */
static volatile float g_outputs[BP_MAX_CHANNELS];
static volatile int g_estop_pin;

static uint64_t board_now_us(void *c) { (void)c; return g_us; }
static void board_write(void *c, const uint8_t *d, size_t n) { (void)c; (void)d; (void)n; /* UART TX (DMA) */ }
static void board_set_output(void *c, uint8_t ch, float v) { (void)c; g_outputs[ch] = v; /* DAC / PWM */ }
static int board_estop(void *c) { (void)c; return g_estop_pin; }

static bp_device g_dev;

int main(void)
{
    bp_hal hal = {0, board_now_us, board_write, board_set_output, board_estop};
    bp_device_config cfg = {.firmware_build = 3, .tick_hz = 10000, .heartbeat_period_us = 10000};
    for (unsigned i = 0; i < BP_MAX_CHANNELS; i++) {
        cfg.ceiling_min[i] = -1000.0f;
        cfg.ceiling_max[i] = 1000.0f;
    }
    bp_device_init(&g_dev, &hal, &cfg);
    for (;;) {
        uint8_t rx[64];
        size_t n = 0; /* UART RX ring drained here */
        bp_device_receive(&g_dev, rx, n);
        bp_device_tick(&g_dev); /* on a real board: once per timer interrupt flag */
        g_us += 100;
    }
}
