; Inno Setup 6 script: the Windows installer of otvisit, from the PyInstaller folder dist\otvisit.
;
;   python packaging\build.py            (builds dist\otvisit, then runs ISCC with the defines)
;   ISCC.exe /DAppVersion=0.1.0 /DSourceDir=C:\src\otvisit\dist\otvisit packaging\windows\otvisit.iss
;
; Installs for the current user without admin rights (into %LOCALAPPDATA%\Programs\otvisit), or
; for all users when IT runs it elevated with /ALLUSERS (into Program Files). Records are never
; stored under the program folder: each user's data lives in %LOCALAPPDATA%\otvisit, which the
; app creates through platformdirs and which uninstalling leaves in place.

#ifndef AppVersion
  #error Pass the version from otvisit\__init__.py: ISCC /DAppVersion=x.y.z otvisit.iss
#endif
#ifndef SourceDir
  #define SourceDir AddBackslash(SourcePath) + "..\..\dist\otvisit"
#endif
#ifndef OutputDir
  #define OutputDir AddBackslash(SourcePath) + "..\..\dist"
#endif
#define IconFile AddBackslash(SourcePath) + "..\..\resources\icons\otvisit.ico"

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{91759F22-B02C-4B12-AE94-FE83410E0FB6}
AppName=otvisit
AppVersion={#AppVersion}
AppVerName=otvisit {#AppVersion}
AppPublisher=otvisit
AppComments=Visit records, goals and handouts for children's community occupational therapy
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\otvisit
DefaultGroupName=otvisit
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=otvisit-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\otvisit.exe
UninstallDisplayName=otvisit {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Close a running otvisit before replacing its files (Restart Manager), and start it again.
CloseApplications=yes
RestartApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle, so no module of the old version is left behind.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Dirs]
; The per-user data folder (the same one platformdirs gives the app). Never removed on uninstall:
; it holds the caseload's records until they have been synced.
Name: "{localappdata}\otvisit"; Flags: uninsneveruninstall; Check: not IsAdminInstallMode

[Icons]
Name: "{autoprograms}\otvisit"; Filename: "{app}\otvisit.exe"; WorkingDir: "{app}"; Comment: "Children's OT visit records"
Name: "{autoprograms}\otvisit tools\Check otvisit (selftest)"; Filename: "{cmd}"; Parameters: "/k ""{app}\otvisit-cli.exe"" selftest"; WorkingDir: "{app}"; IconFilename: "{app}\otvisit.exe"
Name: "{autodesktop}\otvisit"; Filename: "{app}\otvisit.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\otvisit.exe"; Description: "{cm:LaunchProgram,otvisit}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program folder itself may hold after a run (Python caches); never user data.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
