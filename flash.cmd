@echo off
rem Flashes an ESP32 pendant, watch or kiosk over USB (Windows; Linux/macOS: flash.sh, same steps and exit codes).
rem   flash.cmd KIND COMPORT [DEVICE_ID]
rem     KIND       pendant ^| watch ^| kiosk
rem     COMPORT    the board's serial port, e.g. COM5 (Device Manager, "Ports (COM & LPT)"; nanoff --listports)
rem     DEVICE_ID  optional: also deploy that device's provisioned files (device.txt, ca.pem) to its I: drive
rem Steps: check nanoff; flash the nanoCLR firmware (nanoff --update --target ESP32_REV3); deploy the application image
rem at 0x1E0000, the deployment region of the ESP32 4 MB partition table (nanoff's built-in fallback, 0x1B0000, is the
rem C3's); then, with DEVICE_ID, nanoff --filedeployment of the files provisioning wrote for it.
rem Environment: ELDERCARE_BUILD_DIR (default firmware\Devices\<Kind>\bin\Release) holds Eldercare.<Kind>.bin;
rem ELDERCARE_PROVISION_DIR (default provisioning) holds <DEVICE_ID>\device.txt and optionally ca.pem.
rem Exit codes: 2 usage or unknown kind, 3 serial port missing, 4 nanoff missing, 5 build output missing,
rem 6 nanoCLR flash failed, 7 deploy failed, 8 device id invalid or not provisioned, 9 file deployment failed.
setlocal EnableExtensions EnableDelayedExpansion
cd /d "%~dp0"

set "TARGET=ESP32_REV3"
set "DEPLOY_ADDRESS=0x1E0000"
set "KIND=%~1"
set "PORT=%~2"
set "DEVICE_ID=%~3"
if "%KIND%"=="" goto usage
if "%PORT%"=="" goto usage
if not "%~4"=="" goto usage

set "PROJECT="
if /i "%KIND%"=="pendant" set "PROJECT=Pendant"
if /i "%KIND%"=="watch" set "PROJECT=Watch"
if /i "%KIND%"=="kiosk" set "PROJECT=Kiosk"
if "%PROJECT%"=="" (
  echo flash: error: unknown kind '%KIND%': use pendant, watch or kiosk 1>&2
  exit /b 2
)

echo %PORT%| findstr /r /i /x "COM[0-9][0-9]*" >nul
if errorlevel 1 (
  echo flash: error: '%PORT%' is not a serial port name such as COM5 1>&2
  exit /b 3
)
mode %PORT% >nul 2>&1
if errorlevel 1 (
  echo flash: error: serial port %PORT% not found: plug the board in ^(USB data cable^) and check Device Manager or 'nanoff --listports' 1>&2
  exit /b 3
)

set "NANOFF="
where nanoff >nul 2>&1
if not errorlevel 1 set "NANOFF=nanoff"
if not defined NANOFF if exist "%USERPROFILE%\.dotnet\tools\nanoff.exe" set "NANOFF=%USERPROFILE%\.dotnet\tools\nanoff.exe"
if not defined NANOFF (
  choice /c yn /m "nanoff is not installed. Install it now with 'dotnet tool install -g nanoff'"
  if errorlevel 2 goto no_nanoff
  dotnet tool install -g nanoff
  if errorlevel 1 goto no_nanoff
  set "NANOFF=%USERPROFILE%\.dotnet\tools\nanoff.exe"
)

set "BUILD_DIR=firmware\Devices\%PROJECT%\bin\Release"
if defined ELDERCARE_BUILD_DIR set "BUILD_DIR=%ELDERCARE_BUILD_DIR%"
set "IMAGE=%BUILD_DIR%\Eldercare.%PROJECT%.bin"
if not exist "%IMAGE%" (
  echo flash: error: build output missing: %IMAGE% ^(build firmware\Devices\%PROJECT%\%PROJECT%.nfproj in Release first, see firmware\README.md^) 1>&2
  exit /b 5
)

set "FILES_JSON="
if not "%DEVICE_ID%"=="" (
  echo %DEVICE_ID%| findstr /r /x /c:"[abcdefghijklmnopqrstuvwxyz0123456789-]*" >nul
  if errorlevel 1 goto bad_id
  if not "!DEVICE_ID:~32!"=="" goto bad_id
  set "PROVISION_DIR=provisioning"
  if defined ELDERCARE_PROVISION_DIR set "PROVISION_DIR=!ELDERCARE_PROVISION_DIR!"
  set "SOURCE_DIR=!PROVISION_DIR!\%DEVICE_ID%"
  if not exist "!SOURCE_DIR!\device.txt" (
    echo flash: error: no provisioning for %DEVICE_ID%: !SOURCE_DIR!\device.txt missing ^(provision the device first^) 1>&2
    exit /b 8
  )
  for %%F in ("!SOURCE_DIR!") do set "SOURCE_DIR=%%~fF"
  set "JSON_DIR=!SOURCE_DIR:\=\\!"
  set "ENTRIES={"DestinationFilePath":"I:\\device.txt","SourceFilePath":"!JSON_DIR!\\device.txt"}"
  if exist "!SOURCE_DIR!\ca.pem" set "ENTRIES=!ENTRIES!,{"DestinationFilePath":"I:\\ca.pem","SourceFilePath":"!JSON_DIR!\\ca.pem"}"
  set "FILES_JSON=%TEMP%\eldercare-files-%RANDOM%.json"
  > "!FILES_JSON!" echo {"serialport":"%PORT%","files":[!ENTRIES!]}
)

echo flash: %KIND% on %PORT%: nanoCLR (%TARGET%)...
"%NANOFF%" --update --target %TARGET% --serialport %PORT%
if errorlevel 1 (
  echo flash: error: flashing the nanoCLR firmware failed: hold BOOT while plugging in, or try --masserase 1>&2
  exit /b 6
)

echo flash: deploying %IMAGE% at %DEPLOY_ADDRESS%...
"%NANOFF%" --deploy --image "%IMAGE%" --address %DEPLOY_ADDRESS% --serialport %PORT%
if errorlevel 1 (
  echo flash: error: deploying %IMAGE% failed 1>&2
  exit /b 7
)

if defined FILES_JSON (
  echo flash: provisioning %DEVICE_ID% ^(I:\device.txt^)...
  "%NANOFF%" --filedeployment "%FILES_JSON%"
  if errorlevel 1 (
    del "%FILES_JSON%" >nul 2>&1
    echo flash: error: deploying the provisioned files of %DEVICE_ID% failed 1>&2
    exit /b 9
  )
  del "%FILES_JSON%" >nul 2>&1
)

echo flash: %KIND% on %PORT% done
exit /b 0

:usage
echo usage: flash.cmd pendant^|watch^|kiosk COMPORT [DEVICE_ID] 1>&2
exit /b 2

:no_nanoff
echo flash: error: nanoff not found: install it with 'dotnet tool install -g nanoff' 1>&2
exit /b 4

:bad_id
echo flash: error: device id '%DEVICE_ID%' is not 1-32 of a-z, 0-9, '-' 1>&2
exit /b 8
